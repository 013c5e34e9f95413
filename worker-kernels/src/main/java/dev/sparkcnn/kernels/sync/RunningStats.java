package dev.sparkcnn.kernels.sync;

import dev.sparkcnn.kernels.model.ParamArray;
import dev.sparkcnn.kernels.model.ParamLayout;
import java.util.Arrays;

/**
 * The positions of a network's non-trainable state in its flat parameter vector (batch
 * normalization's running statistics). Each replica's training forward pass moves them with its own
 * batches, outside the optimizer, so replicas that share gradients would drift apart there; the
 * synchronous strategies average them instead (see {@link SyncTrainer}).
 */
final class RunningStats {

    private final int[] positions;

    private RunningStats(int[] positions) {
        this.positions = positions;
    }

    static RunningStats of(ParamLayout layout) {
        int[] positions = new int[Math.toIntExact(layout.numParams() - layout.numTrainable())];
        int at = 0;
        long offset = 0;
        for (ParamArray array : layout.arrays()) {
            if (!array.trainable()) {
                for (long i = 0; i < array.length(); i++) {
                    positions[at++] = Math.toIntExact(offset + i);
                }
            }
            offset += array.length();
        }
        return new RunningStats(positions);
    }

    /** Whether the network has any. */
    boolean any() {
        return positions.length > 0;
    }

    /** How many values. */
    int size() {
        return positions.length;
    }

    /** Copies the running statistics from one parameter vector into another. */
    void copy(float[] from, float[] to) {
        for (int i : positions) {
            to[i] = from[i];
        }
    }

    /** Writes {@code weight * from[p]} into {@code to[p]}, for each position p. */
    void putWeighted(float[] from, float weight, float[] to) {
        for (int i : positions) {
            to[i] = from[i] * weight;
        }
    }

    /** Sets the running statistics' positions of {@code values} to zero. */
    void zero(float[] values) {
        for (int i : positions) {
            values[i] = 0f;
        }
    }

    /** The running statistics, packed in position order. */
    float[] gather(float[] params, float[] packed) {
        for (int k = 0; k < positions.length; k++) {
            packed[k] = params[positions[k]];
        }
        return packed;
    }

    /** Writes packed values back at their positions, scaled. */
    void scatter(float[] packed, float scale, float[] params) {
        for (int k = 0; k < positions.length; k++) {
            params[positions[k]] = packed[k] * scale;
        }
    }

    /** A hash of the parameters without the running statistics (which replicas hold apart during a round). */
    int trainedHash(float[] params) {
        if (!any()) {
            return Arrays.hashCode(params);
        }
        float[] copy = params.clone();
        for (int i : positions) {
            copy[i] = 0f;
        }
        return Arrays.hashCode(copy);
    }
}
