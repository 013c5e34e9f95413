package dev.sparkcnn.driver.train;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.kernels.ModelState;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * How rounds of distributed training run. The driver decides (this interface), executors execute
 * ({@link dev.sparkcnn.kernels.PartitionTrainer}); strategies differ only in how the replicas'
 * work is combined. {@link Strategies} makes one from its configured settings.
 */
public interface TrainingStrategy {

    /**
     * Trains on {@code train} (one task per partition) the rounds after {@code start}'s completed
     * ones, up to {@link #roundsPerEpoch} x epochs; the result's history includes {@code start}'s.
     *
     * @param largestPartition training records of the largest partition (decides rounds per epoch)
     */
    TrainingResult fit(JavaSparkContext sc, JavaRDD<ImageRecord> train, long largestPartition, TrainingStart start,
                       TrainingRun run, RoundListener listener);

    /** A fresh run from {@code initial}. */
    default TrainingResult fit(JavaSparkContext sc, JavaRDD<ImageRecord> train, long largestPartition,
                               ModelState initial, TrainingRun run, RoundListener listener) {
        return fit(sc, train, largestPartition, TrainingStart.fresh(initial), run, listener);
    }

    /** Rounds in one epoch; a checkpoint records it so a resume can tell that the data changed. */
    int roundsPerEpoch(TrainingRun run, long largestPartition);

    /**
     * Whether every partition runs at once (a barrier stage), so a local master needs a free task
     * slot per partition.
     */
    default boolean runsAllPartitionsAtOnce() {
        return false;
    }

    /** Checks that {@code start} lies within this run's {@code totalRounds}. */
    static void checkStart(TrainingStart start, int totalRounds) {
        if (start.completedRounds() > totalRounds) {
            throw new IllegalArgumentException("the start has " + start.completedRounds()
                    + " completed rounds, more than the run's " + totalRounds);
        }
    }
}
