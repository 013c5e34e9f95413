package dev.sparkcnn.datasets;

/**
 * Input data is malformed: a file has the wrong length, a bad header, a label out of range, too
 * little or too much data. The message names the file, the byte offset or record index where
 * relevant, what is wrong, and what to do about it.
 *
 * <p>This is a data problem, not an infrastructure failure: retrying the same read fails the same
 * way. I/O failures (a lost connection, a permission error) surface as
 * {@link java.io.UncheckedIOException} instead.
 */
public class InvalidDataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidDataException(String message) {
        super(message);
    }

    public InvalidDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
