package dev.sparkcnn.kernels.nativeengine;

import dev.sparkcnn.kernels.DropoutKeys;

/**
 * What the layers of one batch slice need to know about the step they run, handed to every layer
 * by {@link NativeLayer#begin} before its forward pass.
 *
 * <p>Dropout draws the mask of batch row {@code r} from a generator seeded by
 * {@link #rowSeed}{@code (firstRow + r)}, a mix of (seed, partition, step, row): the masks are
 * reproducible and do not depend on how a batch is cut into slices or on the thread count. The step
 * is the optimizer's iteration count, which runs on across epochs (and resumes), so it also keys
 * the epoch.
 * Batch normalization updates its running statistics only in the slice with {@code firstRow} 0.
 *
 * @param training   batch statistics, running-statistics updates and dropout (else inference:
 *                   running statistics, no dropout)
 * @param seed       the run's seed
 * @param partition  the data partition (0 in a single-process run)
 * @param step       the optimizer's iteration count (steps since the run began)
 * @param firstRow   the slice's first row in the whole batch
 * @param rows       the slice's rows
 * @param batchTotal the whole batch's rows
 */
record StepContext(boolean training, long seed, int partition, long step, int firstRow, int rows, int batchTotal) {

    /** Training on a whole batch with key (0, 0, 0): what a layer assumes if never told. */
    static final StepContext TRAINING = new StepContext(true, 0, 0, 0, 0, 1, 1);

    /** Inference (evaluation and prediction). */
    static final StepContext INFERENCE = new StepContext(false, 0, 0, 0, 0, 1, 1);

    StepContext {
        if (rows < 1 || firstRow < 0 || firstRow + rows > batchTotal) {
            throw new IllegalArgumentException("slice rows [" + firstRow + ", " + (firstRow + rows)
                    + ") do not fit a batch of " + batchTotal);
        }
    }

    /** The seed of batch row {@code row}'s random draws ({@link DropoutKeys}). */
    long rowSeed(int row) {
        return DropoutKeys.row(DropoutKeys.step(seed, partition, step), row);
    }
}
