package dev.sparkcnn.kernels.optim;

import java.io.Serializable;

/**
 * What a learning-rate schedule needs to know of the run, decided on the driver when the data is
 * known: where the run's step count starts, its steps per epoch and epochs, and the factor the
 * learning rate is scaled by for the number of workers.
 *
 * @param startIteration the model state's iteration when this run started (0 fresh; a warm start's
 *                       stored count); a resumed run keeps its first start
 * @param stepsPerEpoch  optimizer steps per epoch: the largest partition's batches (every strategy
 *                       advances the iteration by this much per epoch), &gt;= 1
 * @param epochs         epochs of the run, &gt;= 1
 * @param lrScale        the learning rate's multiplier for the workers ({@link LrScaling}), &gt;= 1
 */
public record RunSteps(long startIteration, long stepsPerEpoch, int epochs, double lrScale) implements Serializable {

    public RunSteps {
        if (startIteration < 0 || stepsPerEpoch < 1 || epochs < 1 || !(lrScale >= 1) || Double.isInfinite(lrScale)) {
            throw new IllegalArgumentException("a run needs start >= 0, steps per epoch >= 1, epochs >= 1 and a "
                    + "finite learning-rate scale >= 1, got " + startIteration + ", " + stepsPerEpoch + ", " + epochs
                    + ", " + lrScale);
        }
    }

    /** Steps of the whole run. */
    public long totalSteps() {
        return stepsPerEpoch * epochs;
    }

    /** Optimizer steps per epoch for a largest partition of {@code records} and batches of {@code batchSize}. */
    public static long stepsPerEpoch(long records, int batchSize) {
        return Math.max(1, (records + batchSize - 1) / batchSize);
    }
}
