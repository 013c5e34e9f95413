package dev.sparkcnn.datasets.format;

/**
 * A usage error about the data options: an unknown {@code --format}, or an option the dataset's
 * format does not take. The user must change an option; the driver reports it as a configuration
 * error (exit status 2).
 */
public class FormatOptionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FormatOptionException(String message) {
        super(message);
    }
}
