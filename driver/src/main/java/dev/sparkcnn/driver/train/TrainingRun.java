package dev.sparkcnn.driver.train;

import dev.sparkcnn.datasets.Augmentation;
import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.kernels.AugmentedRecords;
import dev.sparkcnn.kernels.BatchIterator;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.io.Serializable;
import java.util.List;

/**
 * What every training task needs to know, decided once on the driver and shipped in closures.
 *
 * @param spec               the network to train
 * @param engine             network implementation
 * @param normalization      pixel scaling applied when batches are built
 * @param batchSize          mini-batch size
 * @param epochs             passes over each partition's training records
 * @param seed               seed of the per-(epoch, partition) shuffles and augmentations
 * @param threadsPerTask     native threads each task may use
 * @param augmentation       random transforms of training images at batch time (never for evaluation)
 */
public record TrainingRun(ModelSpec spec, String engine, Normalization normalization, int batchSize,
                          int epochs, long seed, int threadsPerTask, Augmentation augmentation)
        implements Serializable {

    /** A run without augmentation. */
    public TrainingRun(ModelSpec spec, String engine, Normalization normalization, int batchSize, int epochs,
                       long seed, int threadsPerTask) {
        this(spec, engine, normalization, batchSize, epochs, seed, threadsPerTask, Augmentation.NONE);
    }

    public TrainingRun {
        augmentation = augmentation == null ? Augmentation.NONE : augmentation;
    }

    /** Records one partition consumes in {@code localSteps} steps. */
    public long recordsPerRound(int localSteps) {
        return (long) localSteps * batchSize;
    }

    /** Rounds of {@code localSteps} steps in one epoch: enough for the largest partition to see all its records. */
    public int roundsPerEpoch(int localSteps, long largestPartition) {
        return (int) Math.max(1, (largestPartition + recordsPerRound(localSteps) - 1) / recordsPerRound(localSteps));
    }

    /**
     * Training batches of {@code records}, which start at {@code firstPosition} of the partition's
     * shuffled order in {@code epoch}: augmented (if asked) and normalized as they are built.
     */
    public BatchIterator trainingBatches(List<ImageRecord> records, int epoch, int partition, long firstPosition) {
        return new BatchIterator(AugmentedRecords.of(records.iterator(), augmentation, spec, seed, epoch, partition,
                firstPosition), batchSize, spec, normalization);
    }
}
