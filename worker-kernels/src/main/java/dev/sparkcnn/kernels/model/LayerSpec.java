package dev.sparkcnn.kernels.model;

import java.io.Serializable;
import java.util.List;

/**
 * One layer of an engine-neutral network definition: a small immutable value that knows its output
 * shape and the parameter arrays it owns. Adding a layer type is one record implementing this, one
 * case in {@link DefinitionReader} and {@link DefinitionWriter}, and one case in each engine's
 * compiler (or a refusal naming it).
 */
public sealed interface LayerSpec extends Serializable
        permits Conv2d, Pool2d, GlobalAvgPool, BatchNorm, Dropout, Flatten, Dense, ActivationLayer, Residual {

    /** The layer's {@code type} in definition files. */
    String type();

    /**
     * The per-example output shape for an input shape.
     *
     * @param classes the data's class count, for a dense layer whose units are {@code classes}
     * @throws Invalid if the layer does not fit the input
     */
    Shape outputShape(Shape in, int classes);

    /**
     * The parameter arrays this layer adds to the flat vector, in order, for an input shape; none by
     * default. {@code name} prefixes the arrays' names (the layer index and a dot).
     */
    default List<ParamArray> params(Shape in, int classes, String name, WeightInit init) {
        return List.of();
    }

    /** One line for the summary table: the type and its settings. */
    String describe();

    /** A layer that does not fit its input: the field at fault and what is wrong. */
    final class Invalid extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String field;
        private final String problem;

        public Invalid(String field, String problem) {
            super(field == null ? problem : field + " " + problem);
            this.field = field;
            this.problem = problem;
        }

        /** What is wrong, without the field's name. */
        public String problem() {
            return problem;
        }

        /** The definition field at fault, or {@code null} for the layer as a whole. */
        public String field() {
            return field;
        }
    }

    /** Requires an image input (not flat features). */
    static void requireImage(LayerSpec layer, Shape in) {
        if (in.flat()) {
            throw new Invalid(null, layer.type() + " needs an image input, got " + in + " flat features");
        }
    }

    /** Requires a positive value. */
    static void requirePositive(String field, long value) {
        if (value < 1) {
            throw new Invalid(field, "must be a positive integer, got " + value);
        }
    }

    /** The output image of a window sliding over {@code in}, or {@link Invalid} naming the shapes if nothing is left. */
    static Shape slide(LayerSpec layer, Shape in, int outChannels, int window, int stride, Padding padding) {
        long h = padding.outputSide(in.height(), window, stride);
        long w = padding.outputSide(in.width(), window, stride);
        if (h < 1 || w < 1) {
            throw new Invalid(null, layer.describe() + " shrinks its input " + in + " to " + outChannels + "x"
                    + Math.max(h, 0) + "x" + Math.max(w, 0) + ": nothing is left; use larger images, padding or "
                    + "fewer pooling layers");
        }
        return Shape.image(outChannels, (int) h, (int) w);
    }
}
