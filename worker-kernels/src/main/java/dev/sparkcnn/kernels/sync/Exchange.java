package dev.sparkcnn.kernels.sync;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * What synchronous replicas exchange every step.
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
    THRESHOLD("threshold"),
    /**
     * Not a gradient exchange: each replica takes {@link Options#averageEvery()} local optimizer
     * steps, then all replicas replace their parameters and optimizer states with the
     * example-weighted mean of everyone's, by ring all-reduce. Parameter averaging without a Spark
     * job per average.
     */
    AVERAGE("average");

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
     * How a synchronous round exchanges.
     *
     * @param exchange       what is sent
     * @param density        for {@link #THRESHOLD}: the fraction of elements sent per step, in (0, 1]
     * @param verifyReplicas compare a hash of every replica's parameters after every exchange (a test mode)
     * @param averageEvery   for {@link #AVERAGE}: local steps between two averages (K); 1 otherwise
     */
    public record Options(Exchange exchange, double density, boolean verifyReplicas, int averageEvery)
            implements Serializable {

        /** Options of a gradient exchange ({@link #DENSE} or {@link #THRESHOLD}). */
        public Options(Exchange exchange, double density, boolean verifyReplicas) {
            this(exchange, density, verifyReplicas, 1);
        }

        /** Parameter averaging every {@code averageEvery} local steps. */
        public static Options averaging(int averageEvery, boolean verifyReplicas) {
            return new Options(AVERAGE, 1, verifyReplicas, averageEvery);
        }

        public Options {
            if (exchange == null) {
                throw new IllegalArgumentException("exchange is required");
            }
            if (averageEvery < 1) {
                throw new IllegalArgumentException("averageEvery must be >= 1, got " + averageEvery);
            }
            if (!(density > 0 && density <= 1)) {
                throw new IllegalArgumentException("density must be in (0, 1], got " + density);
            }
        }
    }
}
