package dev.sparkcnn.kernels;

import java.io.Serializable;

/**
 * What one task's local training returns to the driver.
 *
 * @param state    parameters, updater state and iteration after the last step
 * @param lossSum  cross-entropy summed over all examples of all steps (each measured before its step)
 * @param examples examples trained on
 * @param steps    optimizer steps taken
 */
public record TrainResult(ModelState state, double lossSum, long examples, int steps) implements Serializable {

    public TrainResult {
        if (state == null) {
            throw new IllegalArgumentException("state must not be null");
        }
        if (examples < 0 || steps < 0) {
            throw new IllegalArgumentException("examples and steps must be >= 0, got " + examples + ", " + steps);
        }
    }

    /** Mean loss per example, NaN if there were none. */
    public double meanLoss() {
        return examples == 0 ? Double.NaN : lossSum / examples;
    }
}
