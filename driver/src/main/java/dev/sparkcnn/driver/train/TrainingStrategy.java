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
     * Trains from {@code initial} on {@code train} (one task per partition).
     *
     * @param largestPartition training records of the largest partition (decides rounds per epoch)
     */
    TrainingResult fit(JavaSparkContext sc, JavaRDD<ImageRecord> train, long largestPartition, ModelState initial,
                       TrainingRun run, RoundListener listener);

    /** The strategy a configuration asks for. */
    static TrainingStrategy of(TrainingConfig config) {
        return switch (config.strategy()) {
            case TrainingConfig.PARAMETER_AVERAGING -> new ParameterAveraging();
            case TrainingConfig.GRADIENT_SHARING -> new GradientSharing(config.exchangeOptions());
            default -> throw new IllegalArgumentException("unknown strategy '" + config.strategy() + "'");
        };
    }
}
