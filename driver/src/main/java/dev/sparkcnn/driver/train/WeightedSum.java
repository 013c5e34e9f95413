package dev.sparkcnn.driver.train;

import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.TrainResult;
import dev.sparkcnn.kernels.WeightedMean;
import java.io.Serializable;

/**
 * The running sum that parameter averaging reduces over partitions: parameters and updater state
 * each multiplied by the partition's example count (in double, so that one partition's average
 * is exactly its own state; {@link WeightedMean}, the arithmetic all-reduce averaging uses too),
 * plus loss and counts. A partition that had nothing left to train in a round contributes an empty
 * sum. A single replica's contribution travels as its float state and weight (half the bytes of
 * the double sum); it is widened where the first merge happens.
 */
public final class WeightedSum implements Serializable {
    private static final long serialVersionUID = 1L;

    private ModelState single;
    private double[] params;
    private double[] updater;
    private long examples;
    private double lossSum;
    /** Examples classified right before their step; -1 once any replica did not measure it. */
    private long correct;
    private long maxIteration;

    public static WeightedSum empty() {
        return new WeightedSum();
    }

    public static WeightedSum of(TrainResult r) {
        WeightedSum s = new WeightedSum();
        if (r.examples() == 0) {
            return s;
        }
        s.single = r.state();
        s.examples = r.examples();
        s.lossSum = r.lossSum();
        s.correct = r.correct();
        s.maxIteration = r.state().iteration();
        return s;
    }

    /** Adds {@code other} into this sum and returns this. */
    public WeightedSum merge(WeightedSum other) {
        if (other.examples == 0) {
            return this;
        }
        if (examples == 0) {
            return other;
        }
        widen();
        other.widen();
        add(params, other.params);
        add(updater, other.updater);
        examples += other.examples;
        lossSum += other.lossSum;
        correct = correct < 0 || other.correct < 0 ? -1 : correct + other.correct;
        maxIteration = Math.max(maxIteration, other.maxIteration);
        return this;
    }

    public long examples() {
        return examples;
    }

    /** Training accuracy over the sum's examples; NaN if there were none or a replica did not measure it. */
    public double accuracy() {
        return examples == 0 || correct < 0 ? Double.NaN : (double) correct / examples;
    }

    public double meanLoss() {
        return examples == 0 ? Double.NaN : lossSum / examples;
    }

    /** The example-weighted mean state; the updater's step count is the furthest any replica got. */
    public ModelState average() {
        if (examples == 0) {
            throw new IllegalStateException("no partition trained in this round");
        }
        widen();
        return new ModelState(divided(params, examples), divided(updater, examples), maxIteration);
    }

    private void widen() {
        if (single != null) {
            params = scaled(single.params(), examples);
            updater = scaled(single.updaterState(), examples);
            single = null;
        }
    }

    private static double[] scaled(float[] v, long w) {
        double[] out = new double[v.length];
        WeightedMean.scale(v, w, out, 0);
        return out;
    }

    private static float[] divided(double[] v, long w) {
        float[] out = new float[v.length];
        WeightedMean.divide(v, 0, w, out);
        return out;
    }

    private static void add(double[] into, double[] v) {
        if (into.length != v.length) {
            throw new IllegalStateException("replicas disagree on the parameter count: " + into.length + " vs "
                    + v.length);
        }
        for (int i = 0; i < v.length; i++) {
            into[i] += v[i];
        }
    }
}
