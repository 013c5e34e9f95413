package dev.sparkcnn.kernels;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Evaluation counts of one or more partitions: the confusion matrix and the summed loss. Counts,
 * never accuracies, so partitions {@linkplain #merge merge} exactly; accuracies are derived on the
 * driver. Mutable, not thread-safe.
 */
public final class EvalCounts implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int numClasses;
    private final long[][] confusion;
    private double lossSum;

    /** Empty counts for {@code numClasses} classes. */
    public EvalCounts(int numClasses) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("need at least 2 classes, got " + numClasses);
        }
        this.numClasses = numClasses;
        this.confusion = new long[numClasses][numClasses];
    }

    /** Counts one example of class {@code actual} predicted as {@code predicted}. */
    public void add(int actual, int predicted) {
        if (actual < 0 || actual >= numClasses || predicted < 0 || predicted >= numClasses) {
            throw new IllegalArgumentException("classes must be in [0, " + numClasses + "), got actual " + actual
                    + ", predicted " + predicted);
        }
        confusion[actual][predicted]++;
    }

    /** Adds a summed loss (e.g. one batch's cross-entropy sum). */
    public void addLoss(double batchLossSum) {
        lossSum += batchLossSum;
    }

    /**
     * Adds the other counts into these.
     *
     * @return this
     * @throws IllegalArgumentException if the class counts differ
     */
    public EvalCounts merge(EvalCounts other) {
        if (other.numClasses != numClasses) {
            throw new IllegalArgumentException("cannot merge counts of " + other.numClasses + " classes into counts of "
                    + numClasses + " classes");
        }
        for (int a = 0; a < numClasses; a++) {
            for (int p = 0; p < numClasses; p++) {
                confusion[a][p] += other.confusion[a][p];
            }
        }
        lossSum += other.lossSum;
        return this;
    }

    /** A copy of the confusion matrix, indexed {@code [actual][predicted]}. */
    public long[][] confusion() {
        long[][] copy = new long[numClasses][];
        for (int a = 0; a < numClasses; a++) {
            copy[a] = confusion[a].clone();
        }
        return copy;
    }

    /** Examples counted. */
    public long total() {
        long total = 0;
        for (long[] row : confusion) {
            for (long n : row) {
                total += n;
            }
        }
        return total;
    }

    /** Examples predicted correctly: the trace of the confusion matrix. */
    public long correct() {
        long correct = 0;
        for (int c = 0; c < numClasses; c++) {
            correct += confusion[c][c];
        }
        return correct;
    }

    /** Examples of class {@code actual}: its confusion-matrix row sum. */
    public long support(int actual) {
        long support = 0;
        for (long n : confusion[actual]) {
            support += n;
        }
        return support;
    }

    /** The summed loss. */
    public double lossSum() {
        return lossSum;
    }

    /** The number of classes: the confusion matrix is numClasses x numClasses. */
    public int numClasses() {
        return numClasses;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EvalCounts e && e.numClasses == numClasses && Double.compare(e.lossSum, lossSum) == 0
                && Arrays.deepEquals(e.confusion, confusion);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.deepHashCode(confusion) + Double.hashCode(lossSum);
    }

    @Override
    public String toString() {
        return "EvalCounts[" + correct() + "/" + total() + " correct, loss sum " + lossSum + ", " + numClasses
                + " classes]";
    }
}
