package dev.sparkcnn.driver.config;

/**
 * The training strategy and its own settings: one record per strategy. Strategies defined outside
 * this package (registered with {@code train.Strategies.register}) implement {@link Extension}.
 */
public sealed interface StrategySettings
        permits ParameterAveragingSettings, AllReduceAveragingSettings, GradientSharingSettings,
        StrategySettings.Extension {

    /** The strategy's name in {@code config.json} and {@code --strategy}. */
    String name();

    /** These settings as {@code config.json}'s strategy fields (those of other strategies at their defaults). */
    StrategyFields fields();

    /** The settings in a few words for reports, e.g. {@code averaging every 5 steps}. */
    default String summary() {
        return "averaging every " + fields().averagingFrequency() + " steps";
    }

    /** A strategy registered from outside this package. */
    non-sealed interface Extension extends StrategySettings {
    }
}
