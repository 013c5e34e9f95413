package dev.sparkcnn.kernels.sync;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * What gradient-sharing replicas exchange every step. (Averaging replicas every K local steps is
 * not a gradient exchange: see {@link SyncTrainer#average}.)
 */
public enum Exchange {
    /**
     * The example-weighted sum of the replicas' gradients, by ring all-reduce; every replica runs
     * the optimizer on the same mean gradient: exact synchronous SGD with the summed batch.
     */
    DENSE("dense"),
    /**
     * Each replica's own optimizer update, threshold-encoded with a residual (see
     * {@link ThresholdCodec}); every replica applies the mean of all decoded updates.
     */
    THRESHOLD("threshold");

    private final String id;

    Exchange(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Exchange::id).toList();
    }

    /** @throws IllegalArgumentException if the name is unknown */
    public static Exchange of(String id) {
        for (Exchange e : values()) {
            if (e.id.equals(id)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown exchange '" + id + "'; use one of " + String.join(", ", ids()));
    }

    /**
     * How a gradient-sharing round exchanges.
     *
     * @param exchange       what is sent
     * @param density        for {@link #THRESHOLD}: the fraction of elements sent per step, in (0, 1]
     * @param verifyReplicas compare a hash of every replica's parameters after every exchange (a test mode)
     */
    public record Options(Exchange exchange, double density, boolean verifyReplicas) implements Serializable {

        public Options {
            if (exchange == null) {
                throw new IllegalArgumentException("exchange is required");
            }
            if (!(density > 0 && density <= 1)) {
                throw new IllegalArgumentException("density must be in (0, 1], got " + density);
            }
        }
    }
}
