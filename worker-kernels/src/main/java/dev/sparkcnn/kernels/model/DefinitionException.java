package dev.sparkcnn.kernels.model;

import dev.sparkcnn.datasets.UsageException;

/**
 * A network definition that cannot be built: the message names the file, the layer (its index, and
 * inside a residual block the index within it) and the field, and says what is wrong.
 */
public final class DefinitionException extends UsageException {

    private static final long serialVersionUID = 1L;

    public DefinitionException(String message) {
        super(message);
    }

    /** A problem of one field of the layer at {@code where} (e.g. {@code layer 3 (conv2d)}). */
    public static DefinitionException at(String source, String where, String field, String problem) {
        return new DefinitionException(source + ": " + where + (field == null ? "" : ", field '" + field + "'")
                + ": " + problem);
    }
}
