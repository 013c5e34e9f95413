package dev.sparkcnn.driver.train;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.driver.config.TrainingConfig;
import dev.sparkcnn.kernels.ModelState;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * How rounds of distributed training run. The driver decides (this interface), executors execute
 * ({@link dev.sparkcnn.kernels.PartitionTrainer}); strategies differ only in how the replicas'
 * work is combined.
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

    /** Checks that {@code start} lies within this run's {@code totalRounds}. */
    static void checkStart(TrainingStart start, int totalRounds) {
        if (start.completedRounds() > totalRounds) {
            throw new IllegalArgumentException("the start has " + start.completedRounds()
                    + " completed rounds, more than the run's " + totalRounds);
        }
    }

    /** The strategy a configuration asks for. */
    static TrainingStrategy of(TrainingConfig config) {
        return switch (config.strategy()) {
            case TrainingConfig.PARAMETER_AVERAGING -> new ParameterAveraging();
            case TrainingConfig.GRADIENT_SHARING, TrainingConfig.ALLREDUCE_AVERAGING ->
                    new GradientSharing(config.exchangeOptions());
            default -> throw new IllegalArgumentException("unknown strategy '" + config.strategy() + "'");
        };
    }
}
