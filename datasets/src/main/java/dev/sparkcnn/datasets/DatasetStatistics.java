package dev.sparkcnn.datasets;

import java.io.Serializable;
import java.math.BigInteger;

/**
 * Streaming summary of labelled images: records per class and each channel's pixel mean and
 * standard deviation on the [0, 1] scale the models see. Sums are kept as exact integers (a
 * 60,000-image CIFAR set sums to ~10^10, squares to ~10^12, far inside a long), so the figures do
 * not depend on the order records arrive in and can be merged across files or partitions
 * ({@link #merge}; Spark aggregates it over executors as it is).
 */
public final class DatasetStatistics implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int channels;
    private final int pixelsPerChannel;
    private final long[] classCounts;
    private final long[] sum;
    private final long[] sumOfSquares;
    private long records;

    public DatasetStatistics(DatasetSpec spec) {
        this.channels = spec.channels();
        this.pixelsPerChannel = spec.height() * spec.width();
        this.classCounts = new long[spec.numClasses()];
        this.sum = new long[channels];
        this.sumOfSquares = new long[channels];
    }

    /**
     * Counts one record.
     *
     * @throws IllegalArgumentException if its size or label does not fit the spec
     */
    public void add(ImageRecord record) {
        byte[] pixels = record.pixels();
        if (pixels.length != channels * pixelsPerChannel || record.label() >= classCounts.length) {
            throw new IllegalArgumentException("record " + record + " does not fit " + channels + " channels x "
                    + pixelsPerChannel + " pixels and " + classCounts.length + " classes");
        }
        classCounts[record.label()]++;
        for (int c = 0; c < channels; c++) {
            long s = 0;
            long q = 0;
            for (int i = c * pixelsPerChannel, end = i + pixelsPerChannel; i < end; i++) {
                int v = pixels[i] & 0xFF;
                s += v;
                q += v * v;
            }
            sum[c] += s;
            sumOfSquares[c] += q;
        }
        records++;
    }

    /**
     * Adds {@code other}'s counts to this one and returns this: the statistics of both record sets.
     *
     * @throws IllegalArgumentException if the two were made for different image shapes or class counts
     */
    public DatasetStatistics merge(DatasetStatistics other) {
        if (other.channels != channels || other.pixelsPerChannel != pixelsPerChannel
                || other.classCounts.length != classCounts.length) {
            throw new IllegalArgumentException("cannot merge statistics of " + other.channels + "-channel images with "
                    + other.classCounts.length + " classes into " + channels + "-channel ones with "
                    + classCounts.length);
        }
        for (int c = 0; c < channels; c++) {
            sum[c] += other.sum[c];
            sumOfSquares[c] += other.sumOfSquares[c];
        }
        for (int k = 0; k < classCounts.length; k++) {
            classCounts[k] += other.classCounts[k];
        }
        records += other.records;
        return this;
    }

    public long records() {
        return records;
    }

    /** Records per class label (a copy). */
    public long[] classCounts() {
        return classCounts.clone();
    }

    /** Mean of each channel's pixels scaled to [0, 1]; NaN before any record. */
    public double[] mean() {
        double[] mean = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = sum[c] / (255.0 * pixelCount());
        }
        return mean;
    }

    /** Population standard deviation of each channel's pixels scaled to [0, 1]; NaN before any record. */
    public double[] std() {
        double[] std = new double[channels];
        BigInteger n = BigInteger.valueOf(records).multiply(BigInteger.valueOf(pixelsPerChannel));
        for (int c = 0; c < channels; c++) {
            // n·Σv² − (Σv)², exact: a constant channel gets exactly 0, not rounding noise
            BigInteger s = BigInteger.valueOf(sum[c]);
            double numerator = n.multiply(BigInteger.valueOf(sumOfSquares[c])).subtract(s.multiply(s)).doubleValue();
            std[c] = Math.sqrt(numerator) / (n.doubleValue() * 255.0);
        }
        return std;
    }

    private double pixelCount() {
        return (double) records * pixelsPerChannel;
    }
}
