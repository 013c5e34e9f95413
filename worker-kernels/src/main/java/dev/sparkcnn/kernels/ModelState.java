package dev.sparkcnn.kernels;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Everything that makes a network's training resumable, flattened: its parameters, its updater's
 * state (momentum, Adam moments, ... in the engine's fixed layout) and the updater's step count
 * (Adam's bias correction depends on it). This is what crosses the driver/executor seam: broadcast
 * to tasks, returned from them, averaged, checkpointed.
 */
public record ModelState(float[] params, float[] updaterState, long iteration) implements Serializable {

    public ModelState {
        if (params == null || updaterState == null) {
            throw new IllegalArgumentException("params and updater state must not be null");
        }
        if (iteration < 0) {
            throw new IllegalArgumentException("iteration must be >= 0, got " + iteration);
        }
    }

    public ModelState copy() {
        return new ModelState(params.clone(), updaterState.clone(), iteration);
    }

    /** The largest absolute element-wise difference of parameters and updater state. */
    public double maxAbsDifference(ModelState other) {
        if (other.params.length != params.length || other.updaterState.length != updaterState.length) {
            return Double.POSITIVE_INFINITY;
        }
        double max = 0;
        for (int i = 0; i < params.length; i++) {
            max = Math.max(max, Math.abs(params[i] - other.params[i]));
        }
        for (int i = 0; i < updaterState.length; i++) {
            max = Math.max(max, Math.abs(updaterState[i] - other.updaterState[i]));
        }
        return max;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelState s && s.iteration == iteration
                && Arrays.equals(s.params, params) && Arrays.equals(s.updaterState, updaterState);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(params) + Arrays.hashCode(updaterState)) + Long.hashCode(iteration);
    }

    @Override
    public String toString() {
        return "ModelState[" + params.length + " params, " + updaterState.length + " updater values, iteration "
                + iteration + "]";
    }
}
