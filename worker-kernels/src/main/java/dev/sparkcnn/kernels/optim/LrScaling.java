package dev.sparkcnn.kernels.optim;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How the learning rate grows with the number of workers (data partitions trained in parallel):
 * not at all, in proportion (Goyal et al.'s linear scaling rule, for an effective batch of
 * workers x batch), or with the square root (Krizhevsky's rule for the same).
 */
public enum LrScaling {
    NONE, LINEAR, SQRT;

    /** The name used in options and files. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** All names. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(LrScaling::id).toList();
    }

    /**
     * The scaling named {@code id}.
     *
     * @throws IllegalArgumentException if there is none
     */
    public static LrScaling of(String id) {
        for (LrScaling s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("'" + id + "' is not a learning-rate scaling; use one of "
                + String.join(", ", ids()));
    }

    /** The learning rate's multiplier for {@code workers} workers. */
    public double factor(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
        return switch (this) {
            case NONE -> 1;
            case LINEAR -> workers;
            case SQRT -> Math.sqrt(workers);
        };
    }
}
