package dev.sparkcnn.kernels.model.keras;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkcnn.kernels.model.Activation;
import dev.sparkcnn.kernels.model.DefinitionException;
import dev.sparkcnn.kernels.model.Padding;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code config} of one Keras layer, read field by field. Each field is read once; {@link
 * #finish} refuses any other field that is set (not null), so an option sparkcnn does not import
 * (a regularizer, a constraint, a dilation, an option of a newer Keras) is refused by name rather
 * than silently dropped. Every error names the layer's index, class and the field.
 */
final class KerasConfig {

    /** Fields that do not change the architecture: names, dtypes, initial values (weights are not imported). */
    private static final List<String> IGNORED = List.of("name", "trainable", "dtype", "kernel_initializer",
            "bias_initializer", "beta_initializer", "gamma_initializer", "moving_mean_initializer",
            "moving_variance_initializer", "seed", "batch_input_shape", "batch_shape", "batch_size", "input_dim");

    private final KerasLayer layer;
    private final JsonNode config;
    private final Set<String> read = new LinkedHashSet<>(IGNORED);

    KerasConfig(KerasLayer layer) {
        this.layer = layer;
        this.config = layer.config();
    }

    /** The value of a field, or {@code null} if it is absent or null. */
    JsonNode get(String field) {
        read.add(field);
        JsonNode value = config.get(field);
        return value == null || value.isNull() ? null : value;
    }

    JsonNode required(String field) {
        JsonNode value = get(field);
        if (value == null) {
            throw error(field, "is missing");
        }
        return value;
    }

    /** A positive integer. */
    int positive(String field) {
        return positive(field, required(field));
    }

    private int positive(String field, JsonNode value) {
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1) {
            throw error(field, "must be a positive integer, got " + value);
        }
        return value.intValue();
    }

    /**
     * A square size: a number or a pair of equal numbers ({@code [3, 3]}, or Keras' tuple object
     * {@code {"class_name": "__tuple__", "items": [3, 3]}}); {@code otherwise} if absent.
     */
    int square(String field, int otherwise) {
        JsonNode value = get(field);
        if (value == null) {
            if (otherwise < 1) {
                throw error(field, "is missing");
            }
            return otherwise;
        }
        if (value.isObject() && value.has("items")) {
            value = value.get("items");
        }
        if (value.isArray()) {
            if (value.size() != 2) {
                throw error(field, "must be a pair [height, width] for a 2-d layer, got " + value);
            }
            int h = positive(field, value.get(0));
            int w = positive(field, value.get(1));
            if (h != w) {
                throw error(field, "must be square: sparkcnn's 2-d layers use one size for height and width, got "
                        + value);
            }
            return h;
        }
        return positive(field, value);
    }

    String text(String field, String otherwise) {
        JsonNode value = get(field);
        if (value == null) {
            if (otherwise == null) {
                throw error(field, "is missing");
            }
            return otherwise;
        }
        if (!value.isTextual()) {
            throw error(field, "must be a string, got " + value);
        }
        return value.textValue();
    }

    double number(String field, double otherwise) {
        JsonNode value = get(field);
        if (value == null) {
            if (Double.isNaN(otherwise)) {
                throw error(field, "is missing");
            }
            return otherwise;
        }
        if (!value.isNumber()) {
            throw error(field, "must be a number, got " + value);
        }
        return value.doubleValue();
    }

    boolean flag(String field, boolean otherwise) {
        JsonNode value = get(field);
        if (value == null) {
            return otherwise;
        }
        if (!value.isBoolean()) {
            throw error(field, "must be true or false, got " + value);
        }
        return value.booleanValue();
    }

    /** Requires a field to be absent, null or {@code expected}: an option that has to keep its default. */
    void expect(String field, Object expected, String why) {
        JsonNode value = get(field);
        if (value == null) {
            return;
        }
        boolean ok = expected instanceof Boolean b ? value.isBoolean() && value.booleanValue() == b
                : expected instanceof Number n ? value.isNumber() && value.doubleValue() == n.doubleValue()
                : value.isTextual() && value.textValue().equals(expected);
        if (!ok) {
            throw error(field, "is " + value + "; sparkcnn imports only " + field + " = " + expected + " (" + why + ")");
        }
    }

    /** {@code padding}: Keras' {@code valid} or {@code same}. */
    Padding padding() {
        String padding = text("padding", "valid");
        return switch (padding) {
            case "valid" -> Padding.VALID;
            case "same" -> Padding.SAME;
            default -> throw error("padding", "is '" + padding + "'; sparkcnn imports 'valid' and 'same'");
        };
    }

    /** {@code data_format}: channels-last only (sparkcnn's native layout). */
    void channelsLast() {
        expect("data_format", "channels_last", "Keras' default; channels-first models are not imported");
    }

    /** {@code dilation_rate} 1 (or [1, 1]). */
    void noDilation() {
        JsonNode value = get("dilation_rate");
        if (value != null && square("dilation_rate", 1) != 1) {
            throw error("dilation_rate", "is " + value + "; sparkcnn has no dilated convolutions (use 1)");
        }
    }

    /** An activation by its Keras name ({@code linear} is the identity); softmax only if allowed by the caller. */
    Activation activation(String field) {
        JsonNode value = get(field);
        if (value == null) {
            return Activation.IDENTITY;
        }
        if (value.isObject() && value.path("config").isTextual()) {
            value = value.get("config"); // Keras 3 may serialise a built-in activation as a function object
        }
        if (!value.isTextual()) {
            throw error(field, "must be the name of a built-in activation, got " + value);
        }
        return switch (value.textValue()) {
            case "linear" -> Activation.IDENTITY;
            case "relu" -> Activation.RELU;
            case "elu" -> Activation.ELU;
            case "sigmoid" -> Activation.SIGMOID;
            case "tanh" -> Activation.TANH;
            case "softmax" -> Activation.SOFTMAX;
            default -> throw error(field, "is '" + value.textValue() + "'; sparkcnn imports linear, relu, elu, "
                    + "sigmoid, tanh and softmax");
        };
    }

    /** Refuses every field nobody read that is set: an option sparkcnn does not import. */
    void finish() {
        config.fieldNames().forEachRemaining(field -> {
            if (!read.contains(field) && !config.get(field).isNull()) {
                throw error(field, "is " + abbreviate(config.get(field)) + ": an option sparkcnn does not import "
                        + "for " + layer.className() + " (only null is accepted here)");
            }
        });
    }

    DefinitionException error(String field, String problem) {
        return layer.error(field, problem);
    }

    private static String abbreviate(JsonNode value) {
        String text = value.toString();
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
