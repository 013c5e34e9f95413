package dev.sparkcnn.kernels.optim;

import java.util.Arrays;
import java.util.List;

/**
 * The optimizers both engines implement, with DL4J's semantics and state layouts. Each catalogue
 * model has a default (its tutorial's); a spec may override it, e.g. plain SGD for the
 * equivalence tests of the synchronous strategy or for fine-tuning.
 */
public enum Optimizer {
    /** Adam with DL4J's default betas (0.9, 0.999) and epsilon 1e-8; state: first then second moments. */
    ADAM("adam"),
    /** Nesterov momentum 0.9 (DL4J has no classic momentum updater); state: the velocity. */
    NESTEROVS("nesterovs"),
    /** Plain SGD: the update is the learning rate times the gradient; no state. */
    SGD("sgd");

    /** Momentum of {@link #NESTEROVS}. */
    public static final double MOMENTUM = 0.9;

    private final String id;

    Optimizer(String id) {
        this.id = id;
    }

    /** The name used in options and config files. */
    public String id() {
        return id;
    }

    /** All names, for option validation and help. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(Optimizer::id).toList();
    }

    /**
     * The optimizer with the given name.
     *
     * @throws IllegalArgumentException if the name is unknown
     */
    public static Optimizer of(String id) {
        for (Optimizer o : values()) {
            if (o.id.equals(id)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown optimizer '" + id + "'; use one of " + String.join(", ", ids()));
    }
}
