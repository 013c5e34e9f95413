package dev.sparkcnn.kernels.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkcnn.kernels.optim.LrSchedule;
import dev.sparkcnn.kernels.optim.Optimizer;
import dev.sparkcnn.kernels.optim.TrainingOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a network definition from JSON, strictly: an unknown layer type or field, a missing field, a
 * value of the wrong kind or out of range, or text that is not JSON is one {@link
 * DefinitionException} naming the source, the layer index (counted from 0; {@code 5.1} inside the
 * residual block at 5) and the field. The format is what {@link DefinitionWriter} writes; see
 * {@code docs/models.md}.
 */
public final class DefinitionReader {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private DefinitionReader() {
    }

    /** Reads a definition file; its name (without {@code .json}) is the default network name. */
    public static NetworkDefinition read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new DefinitionException(file + ": cannot read the model definition: " + e.getMessage());
        }
        String base = file.getFileName().toString().replaceFirst("\\.json$", "");
        return read(text, file.toString(), base);
    }

    /**
     * Reads a definition from JSON text.
     *
     * @param source      where the text comes from, for messages
     * @param defaultName the network's name if the text gives none
     */
    public static NetworkDefinition read(String text, String source, String defaultName) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new DefinitionException(source + ": not a JSON model definition: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new DefinitionException(source + ": a model definition is a JSON object with a \"layers\" array");
        }
        Fields top = new Fields(root, source, "definition");
        String name = top.textOr("name", defaultName);
        String description = top.textOr("description", "");
        Shape input = top.has("input") ? input(top) : null;
        WeightInit init = top.has("weightInit") ? top.choice("weightInit", WeightInit::valueOf) : WeightInit.UNIFORM;
        TrainingDefaults defaults = top.has("defaults") ? defaults(top.object("defaults"))
                : TrainingDefaults.STANDARD;
        List<LayerSpec> layers = layers(top.array("layers"), source, "");
        top.finish();
        return new NetworkDefinition(name, description, input, init, defaults, layers, source);
    }

    private static Shape input(Fields top) {
        JsonNode node = top.node("input");
        boolean ok = node.isArray() && node.size() == 3;
        for (int i = 0; ok && i < 3; i++) {
            ok = node.get(i).isIntegralNumber() && node.get(i).canConvertToInt();
        }
        if (!ok) {
            throw top.error("input", "must be [channels, height, width], e.g. [3, 32, 32]");
        }
        int c = node.get(0).intValue();
        int h = node.get(1).intValue();
        int w = node.get(2).intValue();
        if (c < 1 || h < 1 || w < 1) {
            throw top.error("input", "must be positive, got [" + c + ", " + h + ", " + w + "]");
        }
        return Shape.image(c, h, w);
    }

    private static TrainingDefaults defaults(Fields f) {
        TrainingDefaults s = TrainingDefaults.STANDARD;
        Optimizer optimizer = f.has("optimizer") ? f.choice("optimizer", Optimizer::of) : s.optimizer();
        double lr = f.has("learningRate") ? f.number("learningRate") : s.learningRate();
        int batch = f.has("batchSize") ? f.integer("batchSize") : s.batchSize();
        float[] meanStd = {s.normalizationMean(), s.normalizationStd()};
        if (f.has("normalization")) {
            Fields n = f.object("normalization");
            meanStd[0] = (float) n.number("mean");
            meanStd[1] = (float) n.number("std");
            n.finish();
        }
        double weightDecay = f.numberOr("weightDecay", 0);
        double labelSmoothing = f.numberOr("labelSmoothing", 0);
        LrSchedule schedule = f.has("schedule") ? schedule(f.object("schedule")) : LrSchedule.CONSTANT;
        f.finish();
        float mean = meanStd[0];
        float std = meanStd[1];
        TrainingOptions training;
        try {
            training = new TrainingOptions(weightDecay, labelSmoothing, schedule, null);
        } catch (IllegalArgumentException e) {
            throw f.error(weightDecay < 0 || Double.isNaN(weightDecay) ? "weightDecay" : "labelSmoothing",
                    e.getMessage());
        }
        return f.build(() -> new TrainingDefaults(optimizer, lr, batch, mean, std, training));
    }

    /** A {@code defaults.schedule} object: the fields of {@link LrSchedule}, each optional. */
    private static LrSchedule schedule(Fields s) {
        String decay = s.textOr("decay", "constant");
        double gamma = s.numberOr("gamma", LrSchedule.DEFAULT_GAMMA);
        int every = s.integerOr("stepEvery", 0);
        List<Integer> milestones = new ArrayList<>();
        if (s.has("milestones")) {
            for (JsonNode m : s.array("milestones")) {
                if (!m.isIntegralNumber() || !m.canConvertToInt()) {
                    throw s.error("milestones", "must be whole numbers of epochs, got " + m);
                }
                milestones.add(m.intValue());
            }
        }
        double floor = s.numberOr("floor", 0);
        int warmupEpochs = s.integerOr("warmupEpochs", 0);
        int warmupSteps = s.integerOr("warmupSteps", 0);
        s.finish();
        try {
            return new LrSchedule(LrSchedule.Decay.of(decay), gamma, every, milestones, floor, warmupEpochs,
                    warmupSteps);
        } catch (LrSchedule.Invalid e) {
            throw s.error(e.field(), e.problem());
        }
    }

    private static List<LayerSpec> layers(JsonNode array, String source, String prefix) {
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String index = prefix + i;
            JsonNode node = array.get(i);
            if (!node.isObject()) {
                throw DefinitionException.at(source, "layer " + index, null, "must be an object with a \"type\"");
            }
            JsonNode type = node.get("type");
            if (type == null || !type.isTextual()) {
                throw DefinitionException.at(source, "layer " + index, "type", "is missing; use one of "
                        + String.join(", ", LayerTypes.NAMES));
            }
            Fields f = new Fields(node, source, "layer " + index + " (" + type.textValue() + ")");
            f.text("type");
            layers.add(LayerTypes.parse(type.textValue(), f, index));
        }
        return layers;
    }

    /** Parses the layers of a residual block (used by {@link LayerTypes}). */
    static List<LayerSpec> innerLayers(Fields f, String index) {
        return layers(f.array("layers"), f.source, index + ".");
    }

    /** The fields of one JSON object, read once each; {@link #finish} rejects the ones nobody read. */
    static final class Fields {
        private final JsonNode node;
        private final String source;
        private final String where;
        private final Set<String> read = new LinkedHashSet<>();

        Fields(JsonNode node, String source, String where) {
            this.node = node;
            this.source = source;
            this.where = where;
        }

        boolean has(String field) {
            read.add(field);
            return node.has(field);
        }

        JsonNode node(String field) {
            read.add(field);
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw error(field, "is missing");
            }
            return value;
        }

        String text(String field) {
            JsonNode value = node(field);
            if (!value.isTextual()) {
                throw error(field, "must be a string, got " + value);
            }
            return value.textValue();
        }

        String textOr(String field, String otherwise) {
            return has(field) ? text(field) : otherwise;
        }

        int integer(String field) {
            JsonNode value = node(field);
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw error(field, "must be an integer, got " + value);
            }
            return value.intValue();
        }

        int integerOr(String field, int otherwise) {
            return has(field) ? integer(field) : otherwise;
        }

        double number(String field) {
            JsonNode value = node(field);
            if (!value.isNumber()) {
                throw error(field, "must be a number, got " + value);
            }
            return value.doubleValue();
        }

        double numberOr(String field, double otherwise) {
            return has(field) ? number(field) : otherwise;
        }

        boolean flagOr(String field, boolean otherwise) {
            if (!has(field)) {
                return otherwise;
            }
            JsonNode value = node(field);
            if (!value.isBoolean()) {
                throw error(field, "must be true or false, got " + value);
            }
            return value.booleanValue();
        }

        /** A name parsed by {@code parse} (which throws IllegalArgumentException for an unknown one). */
        <T> T choice(String field, java.util.function.Function<String, T> parse) {
            String text = text(field);
            try {
                return parse.apply(field.equals("weightInit") ? text.toUpperCase(java.util.Locale.ROOT) : text);
            } catch (IllegalArgumentException e) {
                throw error(field, field.equals("weightInit") ? "must be uniform or xavier_uniform, got '" + text + "'"
                        : e.getMessage());
            }
        }

        Padding padding(String field) {
            if (!has(field)) {
                return Padding.VALID;
            }
            JsonNode value = node(field);
            if (value.isTextual() && value.textValue().equals("same")) {
                return Padding.SAME;
            }
            if (value.isTextual() && value.textValue().equals("valid")) {
                return Padding.VALID;
            }
            if (value.isIntegralNumber() && value.canConvertToInt() && value.intValue() >= 0) {
                return Padding.of(value.intValue());
            }
            throw error(field, "must be \"same\", \"valid\" or a number of pixels >= 0, got " + value);
        }

        JsonNode array(String field) {
            JsonNode value = node(field);
            if (!value.isArray()) {
                throw error(field, "must be an array");
            }
            return value;
        }

        Fields object(String field) {
            JsonNode value = node(field);
            if (!value.isObject()) {
                throw error(field, "must be an object, got " + value);
            }
            return new Fields(value, source, where + ", " + field);
        }

        /** Builds a value, turning a record's validation failure into an error naming this object and the field. */
        <T> T build(java.util.function.Supplier<T> constructor) {
            try {
                return constructor.get();
            } catch (LayerSpec.Invalid e) {
                throw error(e.field(), e.problem());
            }
        }

        /** Rejects the fields nobody asked for. */
        void finish() {
            List<String> unknown = new ArrayList<>();
            node.fieldNames().forEachRemaining(name -> {
                if (!read.contains(name)) {
                    unknown.add(name);
                }
            });
            if (!unknown.isEmpty()) {
                throw error(unknown.get(0), "is not a field here; the fields are " + String.join(", ", read));
            }
        }

        DefinitionException error(String field, String problem) {
            return DefinitionException.at(source, where, field, problem);
        }
    }
}
