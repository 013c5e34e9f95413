package dev.sparkcnn.driver.config;

import static dev.sparkcnn.driver.config.Choices.require;

/**
 * The strategy fields of the flat {@code config.json} and of the command line, before they are
 * turned into the chosen strategy's settings ({@link StrategyRegistry#settings}). Owns the strategy
 * defaults.
 *
 * @param strategy           the strategy's name
 * @param averagingFrequency the averaging strategies: local steps between two averages (K)
 * @param exchange           gradient sharing: what replicas exchange every step
 * @param thresholdDensity   gradient sharing with threshold exchange: fraction of values sent per step
 * @param verifyReplicas     the barrier strategies: compare the replicas' parameter hashes after every exchange
 */
public record StrategyFields(String strategy, int averagingFrequency, GradientExchange exchange,
                             double thresholdDensity, boolean verifyReplicas) {
    public static final String DEFAULT_STRATEGY = ParameterAveragingSettings.NAME;
    public static final int DEFAULT_AVERAGING_FREQUENCY = 5;
    public static final GradientExchange DEFAULT_EXCHANGE = GradientExchange.DENSE;
    public static final double DEFAULT_THRESHOLD_DENSITY = 0.03;

    public StrategyFields {
        checkAveragingFrequency(averagingFrequency);
        require(exchange != null, "--exchange", "is required: one of " + String.join(", ", GradientExchange.ids()));
        checkDensity(thresholdDensity);
    }

    /** Strategy {@code name} with every other field at its default. */
    public static StrategyFields defaults(String name) {
        return new StrategyFields(name, DEFAULT_AVERAGING_FREQUENCY, DEFAULT_EXCHANGE, DEFAULT_THRESHOLD_DENSITY,
                false);
    }

    public StrategyFields withAveragingFrequency(int k) {
        return new StrategyFields(strategy, k, exchange, thresholdDensity, verifyReplicas);
    }

    static void checkAveragingFrequency(int k) {
        require(k > 0, "--averaging-frequency", "must be at least 1 local step between averages, got " + k);
    }

    static void checkDensity(double density) {
        require(density > 0 && density <= 1, "--threshold-density",
                "must be in (0, 1] (the fraction of values sent per step), got " + density);
    }
}
