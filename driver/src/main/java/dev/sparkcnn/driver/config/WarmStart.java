package dev.sparkcnn.driver.config;

import static dev.sparkcnn.driver.config.Choices.require;

/**
 * Where training starts from.
 *
 * @param initFrom a model directory whose state (parameters, updater, iteration) training starts
 *                 from; null = fresh initialisation
 * @param lrFactor learning rate = the {@code initFrom} model's times this; null = 1
 */
public record WarmStart(String initFrom, Double lrFactor) {
    /** Fresh initialisation. */
    public static final WarmStart NONE = new WarmStart(null, null);

    public WarmStart {
        require(initFrom == null || !initFrom.isBlank(), "--init-from", "must not be blank");
        require(lrFactor == null || (lrFactor > 0 && Double.isFinite(lrFactor)), "--lr-factor",
                "must be a positive number, got " + lrFactor);
        require(lrFactor == null || initFrom != null, "--lr-factor",
                "scales the learning rate of the --init-from model; give --init-from too (or use --learning-rate)");
    }
}
