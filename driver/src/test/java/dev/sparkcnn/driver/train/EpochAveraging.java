package dev.sparkcnn.driver.train;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.driver.config.StrategyFields;
import dev.sparkcnn.driver.config.StrategySettings;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A toy strategy defined outside the main code, to show that a strategy is one class plus one
 * registration line ({@link ToyStrategyTest}): one-shot averaging, where every partition trains a
 * whole epoch alone and the replicas are averaged once at its end. It has no settings of its own,
 * so it is its own settings record.
 */
record EpochAveraging() implements StrategySettings.Extension, TrainingStrategy {
    static final String NAME = "epoch-averaging";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public StrategyFields fields() {
        return StrategyFields.defaults(NAME);
    }

    @Override
    public String summary() {
        return "one average per epoch";
    }

    @Override
    public int roundsPerEpoch(TrainingRun run, long largestPartition) {
        return 1;
    }

    @Override
    public TrainingResult fit(JavaSparkContext sc, JavaRDD<ImageRecord> train, long largestPartition,
                              TrainingStart start, TrainingRun run, RoundListener listener) {
        int stepsPerEpoch = (int) Math.max(1, (largestPartition + run.batchSize() - 1) / run.batchSize());
        return new ParameterAveraging(stepsPerEpoch).fit(sc, train, largestPartition, start, run, listener);
    }
}
