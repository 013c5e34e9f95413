package dev.sparkcnn.driver.config;

/**
 * Parameter averaging on the driver: K local steps per task, then one Spark job averages.
 *
 * @param averagingFrequency local steps between two averages (K)
 */
public record ParameterAveragingSettings(int averagingFrequency) implements StrategySettings {
    public static final String NAME = "parameter-averaging";

    public ParameterAveragingSettings {
        StrategyFields.checkAveragingFrequency(averagingFrequency);
    }

    /** Averaging every {@link StrategyFields#DEFAULT_AVERAGING_FREQUENCY} steps. */
    public static ParameterAveragingSettings defaults() {
        return new ParameterAveragingSettings(StrategyFields.DEFAULT_AVERAGING_FREQUENCY);
    }

    static ParameterAveragingSettings from(StrategyFields f) {
        return new ParameterAveragingSettings(f.averagingFrequency());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public StrategyFields fields() {
        return StrategyFields.defaults(NAME).withAveragingFrequency(averagingFrequency);
    }
}
