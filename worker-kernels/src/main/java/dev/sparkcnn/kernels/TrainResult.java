package dev.sparkcnn.kernels;

import java.io.Serializable;

/**
 * What one task's local training returns to the driver.
 *
 * @param state    parameters, updater state and iteration after the last step
 * @param lossSum  cross-entropy summed over all examples of all steps (each measured before its step)
 * @param examples examples trained on
 * @param steps    optimizer steps taken
 * @param correct  examples classified right before their step, or -1 if any step did not measure it
 */
public record TrainResult(ModelState state, double lossSum, long examples, int steps, long correct)
        implements Serializable {

    /** A result whose training accuracy was not measured. */
    public TrainResult(ModelState state, double lossSum, long examples, int steps) {
        this(state, lossSum, examples, steps, -1);
    }

    public TrainResult {
        if (state == null) {
            throw new IllegalArgumentException("state must not be null");
        }
        if (examples < 0 || steps < 0) {
            throw new IllegalArgumentException("examples and steps must be >= 0, got " + examples + ", " + steps);
        }
    }

    /** Fraction of examples classified right before their step; NaN if none or not measured. */
    public double accuracy() {
        return examples == 0 || correct < 0 ? Double.NaN : (double) correct / examples;
    }

    /** Mean loss per example, NaN if there were none. */
    public double meanLoss() {
        return examples == 0 ? Double.NaN : lossSum / examples;
    }
}
