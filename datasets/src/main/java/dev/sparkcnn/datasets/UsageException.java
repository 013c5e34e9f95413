package dev.sparkcnn.datasets;

/**
 * A wrong option or argument: the user must change the command (another --out, an existing file,
 * a known dataset name). With {@link InvalidDataException} it is the project's bad-input type: the
 * command line reports it with its message alone and exit status 2, and it is never retried. A
 * plain {@link IllegalArgumentException} is not: it is a bug, reported with its stack trace.
 */
public class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
