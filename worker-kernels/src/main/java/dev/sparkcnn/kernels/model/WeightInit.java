package dev.sparkcnn.kernels.model;

/**
 * How a weight array's initial values are drawn, from its fan-in and fan-out. Biases and
 * batch-norm arrays are constants ({@link #ZERO}, {@link #ONE}).
 */
public enum WeightInit {
    /** All zeros (biases, batch-norm shift and running mean). */
    ZERO,
    /** All ones (batch-norm scale and running variance). */
    ONE,
    /** U(-1/sqrt(fanIn), 1/sqrt(fanIn)): PyTorch's default for weights (DL4J {@code UNIFORM}). */
    UNIFORM,
    /** U(-s, s) with s = sqrt(6 / (fanIn + fanOut)): Keras' glorot_uniform (DL4J {@code XAVIER_UNIFORM}). */
    XAVIER_UNIFORM;

    /** The half-width of the uniform distribution this rule draws from; 0 for the constants. */
    public double bound(double fanIn, double fanOut) {
        return switch (this) {
            case ZERO, ONE -> 0;
            case UNIFORM -> 1.0 / Math.sqrt(fanIn);
            case XAVIER_UNIFORM -> Math.sqrt(6.0) / Math.sqrt(fanIn + fanOut);
        };
    }

    /** The name used in definition files. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
