package dev.sparkcnn.kernels;

/**
 * The arithmetic of an example-weighted mean of float vectors (parameters, optimizer state), which
 * parameter averaging on the driver and all-reduce averaging between the tasks
 * ({@link dev.sparkcnn.kernels.sync.SyncTrainer#average}) both use, so that they give the same
 * floats: each value times its weight in double, exactly (a float's 24-bit significand times a
 * weight below {@link #MAX_WEIGHT} fits a double's 53); the products summed in double; the sum
 * divided by the total weight and rounded to float once. So one vector averages to itself exactly,
 * and the order of the additions changes at most a double's last bits, which rounding to float
 * shows only when a mean lies within them of a float rounding boundary.
 *
 * <p>Why it must be one arithmetic: summed and divided in float instead, the mean rounds two or
 * three times (off by one float ulp in a quarter of the elements with weights 16 and 8, and even a
 * single replica's state, weight 15, changes), and Adam, which scales each step by the gradient's
 * own size, can turn such differences into steps of order its learning rate where a gradient is
 * near zero. Measured on simple-cnn (Adam, lr 0.003, two replicas, 12 steps): 1.5e-8 after the
 * first average that differed, 1.4e-3 at the end.
 */
public final class WeightedMean {
    /** Weights must stay below this for {@code value * weight} to be exact in double. */
    public static final long MAX_WEIGHT = 1L << 29;

    private WeightedMean() {
    }

    /** Writes {@code values[i] * weight} (in double, exact) to {@code into[offset + i]}. */
    public static void scale(float[] values, long weight, double[] into, int offset) {
        if (weight < 0 || weight >= MAX_WEIGHT) {
            throw new IllegalArgumentException("weight must be in [0, " + MAX_WEIGHT + "), got " + weight);
        }
        double w = weight;
        for (int i = 0; i < values.length; i++) {
            into[offset + i] = values[i] * w;
        }
    }

    /** Writes {@code sums[offset + i] / total}, rounded to float, to {@code out[i]} for each index of {@code out}. */
    public static void divide(double[] sums, int offset, double total, float[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (sums[offset + i] / total);
        }
    }
}
