package dev.sparkcnn.kernels.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * An element-wise activation function, by its name in definition files. {@link #SOFTMAX} is for
 * the output layer only.
 */
public enum Activation {
    IDENTITY, RELU, LEAKY_RELU, ELU, SIGMOID, TANH, SOFTMAX;

    /** The name used in definition files: {@code relu}, {@code leaky_relu}... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The activation with the given name.
     *
     * @throws IllegalArgumentException if the name is unknown
     */
    public static Activation of(String id) {
        for (Activation a : values()) {
            if (a.id().equals(id)) {
                return a;
            }
        }
        throw new IllegalArgumentException("'" + id + "' is not an activation; use one of "
                + String.join(", ", Arrays.stream(values()).map(Activation::id).toList()));
    }
}
