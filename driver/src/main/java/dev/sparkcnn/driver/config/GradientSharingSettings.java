package dev.sparkcnn.driver.config;

/**
 * Gradient sharing: all tasks step in lockstep and apply the same combined update.
 *
 * @param exchange       what replicas exchange every step
 * @param density        threshold exchange: fraction of values sent per step, in (0, 1]
 * @param verifyReplicas compare the replicas' parameter hashes after every step
 */
public record GradientSharingSettings(GradientExchange exchange, double density, boolean verifyReplicas)
        implements StrategySettings {
    public static final String NAME = "gradient-sharing";

    public GradientSharingSettings {
        Choices.require(exchange != null, "--exchange", "is required: one of "
                + String.join(", ", GradientExchange.ids()));
        StrategyFields.checkDensity(density);
    }

    /** Dense exchange, exact synchronous SGD. */
    public static GradientSharingSettings dense() {
        return new GradientSharingSettings(GradientExchange.DENSE, StrategyFields.DEFAULT_THRESHOLD_DENSITY, false);
    }

    static GradientSharingSettings from(StrategyFields f) {
        return new GradientSharingSettings(f.exchange(), f.thresholdDensity(), f.verifyReplicas());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return exchange.id() + " exchange";
    }

    @Override
    public StrategyFields fields() {
        return new StrategyFields(NAME, StrategyFields.DEFAULT_AVERAGING_FREQUENCY, exchange, density, verifyReplicas);
    }
}
