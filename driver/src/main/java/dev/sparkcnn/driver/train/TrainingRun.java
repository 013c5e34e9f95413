package dev.sparkcnn.driver.train;

import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.kernels.ModelSpec;
import java.io.Serializable;

/**
 * What every training task needs to know, decided once on the driver and shipped in closures.
 *
 * @param spec               the network to train
 * @param engine             network implementation
 * @param normalization      pixel scaling applied when batches are built
 * @param batchSize          mini-batch size
 * @param averagingFrequency local steps per round (K)
 * @param epochs             passes over each partition's training records
 * @param seed               seed of the per-(epoch, partition) shuffles
 * @param threadsPerTask     native threads each task may use
 */
public record TrainingRun(ModelSpec spec, String engine, Normalization normalization, int batchSize,
                          int averagingFrequency, int epochs, long seed, int threadsPerTask) implements Serializable {

    /** Records consumed by one partition in one round. */
    public long recordsPerRound() {
        return (long) averagingFrequency * batchSize;
    }

    /** Rounds in one epoch: enough for the largest partition to see all its records. */
    public int roundsPerEpoch(long largestPartition) {
        return (int) Math.max(1, (largestPartition + recordsPerRound() - 1) / recordsPerRound());
    }
}
