package dev.sparkcnn.driver.export;

import dev.sparkcnn.datasets.UsageException;

/**
 * A layer the target format cannot express: bad input (exit 2), raised before anything is
 * written. The message names the format, the layer's index in the definition and its type.
 */
public final class LayerRefused extends UsageException {
    private static final long serialVersionUID = 1L;

    /**
     * @param format the target format, e.g. {@code ONNX export}
     * @param index  the layer's index in the definition ({@code 3}, or {@code 4.1} inside a residual block)
     * @param layer  the layer's description (its type and settings)
     * @param why    what the format lacks
     */
    public LayerRefused(String format, String index, String layer, String why) {
        super(format + ": layer " + index + " (" + layer + "): " + why);
    }
}
