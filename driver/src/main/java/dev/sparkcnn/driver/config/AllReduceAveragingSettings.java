package dev.sparkcnn.driver.config;

/**
 * All-reduce averaging: K local steps per task, then the tasks average among themselves by ring
 * all-reduce, inside one barrier stage per epoch.
 *
 * @param averagingFrequency local steps between two averages (K)
 * @param verifyReplicas     compare the replicas' parameter hashes after every average
 */
public record AllReduceAveragingSettings(int averagingFrequency, boolean verifyReplicas) implements StrategySettings {
    public static final String NAME = "allreduce-averaging";

    public AllReduceAveragingSettings {
        StrategyFields.checkAveragingFrequency(averagingFrequency);
    }

    static AllReduceAveragingSettings from(StrategyFields f) {
        return new AllReduceAveragingSettings(f.averagingFrequency(), f.verifyReplicas());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public StrategyFields fields() {
        return new StrategyFields(NAME, averagingFrequency, StrategyFields.DEFAULT_EXCHANGE,
                StrategyFields.DEFAULT_THRESHOLD_DENSITY, verifyReplicas);
    }
}
