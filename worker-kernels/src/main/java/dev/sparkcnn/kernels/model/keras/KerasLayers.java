package dev.sparkcnn.kernels.model.keras;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkcnn.kernels.model.Activation;
import dev.sparkcnn.kernels.model.ActivationLayer;
import dev.sparkcnn.kernels.model.BatchNorm;
import dev.sparkcnn.kernels.model.Conv2d;
import dev.sparkcnn.kernels.model.DefinitionException;
import dev.sparkcnn.kernels.model.Dense;
import dev.sparkcnn.kernels.model.Dropout;
import dev.sparkcnn.kernels.model.Flatten;
import dev.sparkcnn.kernels.model.GlobalAvgPool;
import dev.sparkcnn.kernels.model.LayerSpec;
import dev.sparkcnn.kernels.model.Pool2d;
import dev.sparkcnn.kernels.model.Shape;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Keras layer classes sparkcnn imports, one case each, from a layer's config to a {@link
 * LayerSpec}. Options that change what the layer computes must keep the values sparkcnn has;
 * anything else set is refused by {@link KerasConfig#finish}.
 */
final class KerasLayers {

    /** The classes imported (Add only where it closes a residual block). */
    static final List<String> CLASSES = List.of("InputLayer", "Conv2D", "MaxPooling2D", "AveragePooling2D",
            "GlobalAveragePooling2D", "BatchNormalization", "Dropout", "Flatten", "Dense", "Activation", "ReLU", "Add");

    private KerasLayers() {
    }

    /**
     * The layer as a spec; empty for a layer that computes nothing ({@code Activation('linear')}).
     * Not for {@code InputLayer} or {@code Add}, which the importer handles.
     */
    static Optional<LayerSpec> convert(KerasLayer layer) {
        KerasConfig c = new KerasConfig(layer);
        LayerSpec spec = switch (layer.className()) {
            case "Conv2D", "Convolution2D" -> {
                c.channelsLast();
                c.noDilation();
                c.expect("groups", 1, "grouped convolutions are not imported");
                int filters = c.positive("filters");
                int kernel = c.square("kernel_size", 0);
                int stride = c.square("strides", 1);
                var padding = c.padding();
                boolean bias = c.flag("use_bias", true);
                Activation activation = hidden(c, "activation");
                yield build(layer, () -> new Conv2d(filters, kernel, stride, padding, bias, activation));
            }
            case "MaxPooling2D", "AveragePooling2D", "MaxPool2D", "AvgPool2D" -> {
                c.channelsLast();
                int size = c.square("pool_size", 2);
                int stride = c.square("strides", size);
                var padding = c.padding();
                boolean max = layer.className().startsWith("Max");
                yield build(layer, () -> new Pool2d(max, size, stride, padding));
            }
            case "GlobalAveragePooling2D", "GlobalAvgPool2D" -> {
                c.channelsLast();
                c.expect("keepdims", false, "the pooled features are flat");
                yield new GlobalAvgPool();
            }
            case "BatchNormalization" -> batchNorm(c);
            case "Dropout" -> {
                double rate = c.number("rate", Double.NaN); // noise_shape must stay null: finish() refuses it
                yield build(layer, () -> new Dropout(rate));
            }
            case "Flatten" -> {
                c.channelsLast();
                yield new Flatten();
            }
            case "Dense" -> {
                int units = c.positive("units");
                Activation activation = c.activation("activation");
                boolean bias = c.flag("use_bias", true);
                yield build(layer, () -> new Dense(units, activation, bias));
            }
            case "Activation" -> {
                Activation activation = c.activation("activation");
                if (activation == Activation.IDENTITY) {
                    c.finish();
                    yield null;
                }
                if (activation == Activation.SOFTMAX) {
                    throw c.error("activation", "is softmax; sparkcnn imports a softmax layer only as the last "
                            + "layer, right after the output Dense");
                }
                yield new ActivationLayer(activation);
            }
            case "ReLU" -> {
                // max_value must stay null (no ceiling): finish() refuses any other value
                c.expect("negative_slope", 0, "plain ReLU");
                c.expect("threshold", 0, "plain ReLU");
                yield new ActivationLayer(Activation.RELU);
            }
            default -> throw layer.error("class_name", "the Keras layer class " + layer.className() + " is not imported; "
                    + "sparkcnn imports " + String.join(", ", CLASSES));
        };
        c.finish();
        return Optional.ofNullable(spec);
    }

    /** Whether a layer is {@code Activation('softmax')}, which the importer folds into the Dense before it. */
    static boolean isSoftmax(KerasLayer layer) {
        return layer.className().equals("Activation") && layer.config().path("activation").asText().equals("softmax");
    }

    /** Checks the rest of an {@code Activation('softmax')} layer's config. */
    static void checkSoftmax(KerasLayer layer) {
        KerasConfig c = new KerasConfig(layer);
        c.activation("activation");
        c.finish();
    }

    /** Whether a layer is an activation that can close a residual block ({@code Activation} or {@code ReLU}). */
    static boolean isActivation(KerasLayer layer) {
        return (layer.className().equals("Activation") && !isSoftmax(layer)) || layer.className().equals("ReLU");
    }

    /** The activation of an {@code Activation} or {@code ReLU} layer (identity for {@code linear}). */
    static Activation activationOf(KerasLayer layer) {
        Optional<LayerSpec> spec = convert(layer);
        return spec.map(s -> ((ActivationLayer) s).function()).orElse(Activation.IDENTITY);
    }

    /** The per-example input shape of an {@code InputLayer} (or a first layer's {@code batch_input_shape}); empty if any size is open. */
    static Optional<Shape> inputShape(KerasLayer layer, boolean inputLayer) {
        KerasConfig c = new KerasConfig(layer);
        String field = layer.config().has("batch_shape") ? "batch_shape" : "batch_input_shape";
        JsonNode shape = c.get(field);
        if (inputLayer) {
            c.expect("sparse", false, "dense images");
            c.expect("ragged", false, "dense images");
            c.expect("optional", false, "a required input");
            c.finish();
        }
        if (shape == null) {
            if (inputLayer) {
                throw c.error("batch_input_shape", "is missing: an input layer gives its shape");
            }
            return Optional.empty();
        }
        return imageShape(shape, problem -> c.error(field, problem));
    }

    /**
     * The per-example shape of a batch shape {@code [batch, height, width, channels]} (or Keras'
     * tuple object around it); empty if a size is open ({@code null}).
     */
    static Optional<Shape> imageShape(JsonNode shape, Function<String, DefinitionException> error) {
        if (shape.isObject() && shape.has("items")) {
            shape = shape.get("items");
        }
        if (!shape.isArray() || shape.size() != 4) {
            throw error.apply("is " + shape + "; sparkcnn imports image inputs [batch, height, width, channels]");
        }
        int[] hwc = new int[3];
        for (int i = 0; i < 3; i++) {
            JsonNode size = shape.get(i + 1);
            if (size.isNull()) {
                return Optional.empty();
            }
            if (!size.isIntegralNumber() || size.intValue() < 1) {
                throw error.apply("must hold positive sizes or null, got " + shape);
            }
            hwc[i] = size.intValue();
        }
        return Optional.of(Shape.image(hwc[2], hwc[0], hwc[1]));
    }

    private static LayerSpec batchNorm(KerasConfig c) {
        JsonNode axis = c.get("axis");
        if (axis != null && axis.isArray() && axis.size() == 1) {
            axis = axis.get(0);
        }
        if (axis != null && !(axis.isIntegralNumber() && (axis.intValue() == -1 || axis.intValue() == 3))) {
            throw c.error("axis", "is " + axis + "; sparkcnn normalizes the channels (channels-last: -1 or 3)");
        }
        c.expect("center", true, "the layer has its shift");
        c.expect("scale", true, "the layer has its scale");
        c.expect("renorm", false, "batch renormalization is not imported");
        c.expect("synchronized", false, "sparkcnn's replicas average the statistics themselves");
        c.get("renorm_clipping");
        c.get("renorm_momentum");
        c.get("fused"); // an implementation choice of TensorFlow, same result
        double momentum = c.number("momentum", 0.99);
        double epsilon = c.number("epsilon", 1e-3);
        try {
            return new BatchNorm(momentum, epsilon);
        } catch (LayerSpec.Invalid e) {
            throw c.error(e.field(), e.problem());
        }
    }

    /** A hidden layer's activation: softmax belongs to the output Dense. */
    private static Activation hidden(KerasConfig c, String field) {
        Activation activation = c.activation(field);
        if (activation == Activation.SOFTMAX) {
            throw c.error(field, "is softmax; sparkcnn applies softmax only in the output Dense layer");
        }
        return activation;
    }

    private static LayerSpec build(KerasLayer layer, Supplier<LayerSpec> constructor) {
        try {
            return constructor.get();
        } catch (LayerSpec.Invalid e) {
            throw layer.error(e.field(), e.problem());
        }
    }
}
