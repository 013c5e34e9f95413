package dev.sparkcnn.kernels;

/** Cross-entropy of predicted class probabilities, computed on the JVM for evaluation. */
public final class CrossEntropy {

    /** Probabilities are clipped to at least this before the logarithm (as DL4J's MCXENT does). */
    public static final double CLIP = 1e-10;

    private CrossEntropy() {
    }

    /**
     * The summed cross-entropy {@code -sum_i ln p[i][label_i]} of a batch.
     *
     * @param probabilities row-major {@code [size][numClasses]} class probabilities
     * @param labels        the true class of each row; only the first {@code size} are used
     */
    public static double sum(float[] probabilities, int[] labels, int size, int numClasses) {
        if (probabilities.length < (long) size * numClasses || labels.length < size) {
            throw new IllegalArgumentException("need " + size + " rows of " + numClasses + " probabilities and "
                    + size + " labels, got " + probabilities.length + " values and " + labels.length + " labels");
        }
        double sum = 0;
        for (int i = 0; i < size; i++) {
            int label = labels[i];
            if (label < 0 || label >= numClasses) {
                throw new IllegalArgumentException("label " + label + " of row " + i + " is not in [0, " + numClasses
                        + ")");
            }
            sum -= Math.log(Math.max(probabilities[i * numClasses + label], CLIP));
        }
        return sum;
    }
}
