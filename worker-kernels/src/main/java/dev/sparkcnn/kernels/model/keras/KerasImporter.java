package dev.sparkcnn.kernels.model.keras;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkcnn.kernels.model.Activation;
import dev.sparkcnn.kernels.model.DefinitionException;
import dev.sparkcnn.kernels.model.Dense;
import dev.sparkcnn.kernels.model.Flatten;
import dev.sparkcnn.kernels.model.GlobalAvgPool;
import dev.sparkcnn.kernels.model.LayerSpec;
import dev.sparkcnn.kernels.model.NetworkDefinition;
import dev.sparkcnn.kernels.model.Shape;
import dev.sparkcnn.kernels.model.TrainingDefaults;
import dev.sparkcnn.kernels.model.WeightInit;
import dev.sparkcnn.kernels.model.keras.KerasGraph.Block;
import dev.sparkcnn.kernels.model.keras.KerasGraph.Single;
import dev.sparkcnn.kernels.model.keras.KerasGraph.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads what Keras' {@code model.to_json()} writes (Keras 2, Keras 3, and TensorFlow.js layers'
 * {@code model.toJSON()}, which follows Keras 2) and translates the architecture into a {@link
 * NetworkDefinition}; nothing else. Weights are not imported: the network starts from Keras'
 * default initialisation ({@link WeightInit#XAVIER_UNIFORM}, glorot_uniform) and the standard
 * training defaults. Anything it cannot translate exactly is one {@link DefinitionException} naming
 * the file, the Keras layer (its index in {@code config.layers}, class and name) and the field.
 */
public final class KerasImporter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private KerasImporter() {
    }

    /** Reads a {@code to_json()} file; its name without {@code .json} names the network. */
    public static NetworkDefinition read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new DefinitionException(file + ": cannot read the Keras model file: " + e);
        }
        return read(text, file.toString(), file.getFileName().toString().replaceFirst("\\.json$", ""));
    }

    /**
     * Reads {@code to_json()} text.
     *
     * @param source where the text comes from, for messages
     * @param name   the network's name
     */
    public static NetworkDefinition read(String text, String source, String name) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new DefinitionException(source + ": not a Keras model JSON file (model.to_json()): "
                    + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isObject() || !root.path("class_name").isTextual()) {
            throw DefinitionException.at(source, "model", "class_name", "is missing: a Keras model JSON file is an "
                    + "object with \"class_name\" (Sequential, Functional or Model) and \"config\"");
        }
        String modelClass = root.get("class_name").textValue();
        boolean functional = switch (modelClass) {
            case "Sequential" -> false;
            case "Functional", "Model" -> true;
            default -> throw DefinitionException.at(source, "model", "class_name", "is '" + modelClass
                    + "'; sparkcnn imports Sequential models and functional models (Functional, Model)");
        };
        JsonNode config = root.get("config");
        JsonNode layerArray = config != null && config.isArray() ? config : config == null ? null : config.get("layers");
        if (layerArray == null || !layerArray.isArray()) {
            throw DefinitionException.at(source, "model", "config.layers", "is missing or not an array");
        }
        List<KerasLayer> layers = new ArrayList<>();
        for (int i = 0; i < layerArray.size(); i++) {
            layers.add(KerasLayer.read(layerArray.get(i), i, source, functional));
        }
        if (layers.isEmpty()) {
            throw DefinitionException.at(source, "model", "config.layers", "is empty");
        }
        List<Step> steps = functional
                ? KerasGraph.functional(layers, endpoint(config, "input_layers", source),
                endpoint(config, "output_layers", source), source)
                : KerasGraph.sequential(layers);
        Shape input = input(layers, config, source).orElse(null);
        List<LayerSpec> specs = translate(steps);
        String model = config.isObject() && config.path("name").isTextual() ? config.get("name").textValue() : "?";
        String version = root.path("keras_version").asText(root.has("module") ? "Keras 3" : "version not given");
        String description = "the architecture of Keras " + modelClass + " '" + model + "' (" + version + ")";
        return new NetworkDefinition(name, description, input, WeightInit.XAVIER_UNIFORM, TrainingDefaults.STANDARD,
                specs, source);
    }

    /** The one layer named by {@code input_layers} / {@code output_layers} ({@code [[name, 0, 0]]} or {@code [name, 0, 0]}). */
    private static String endpoint(JsonNode config, String field, String source) {
        JsonNode value = config.get(field);
        if (value != null && value.isArray() && value.size() == 1 && value.get(0).isArray()) {
            value = value.get(0);
        }
        if (value == null || !value.isArray() || value.size() < 1 || !value.get(0).isTextual()) {
            throw DefinitionException.at(source, "model", "config." + field, "must name one layer ([[name, 0, 0]]); "
                    + "sparkcnn imports one-input, one-output models, got " + value);
        }
        return value.get(0).textValue();
    }

    /** The input shape: the InputLayer's, else the first layer's {@code batch_input_shape}, else Keras 3's {@code build_input_shape}. */
    private static Optional<Shape> input(List<KerasLayer> layers, JsonNode config, String source) {
        KerasLayer first = layers.get(0);
        if (first.className().equals("InputLayer")) {
            return KerasLayers.inputShape(first, true);
        }
        for (KerasLayer layer : layers.subList(1, layers.size())) {
            if (layer.className().equals("InputLayer")) {
                throw layer.error(null, "an InputLayer must be the first layer");
            }
        }
        if (first.config().hasNonNull("batch_input_shape") || first.config().hasNonNull("batch_shape")) {
            return KerasLayers.inputShape(first, false);
        }
        JsonNode build = config.isObject() ? config.get("build_input_shape") : null;
        if (build != null && !build.isNull()) {
            return KerasLayers.imageShape(build, problem -> DefinitionException.at(source, "model",
                    "config.build_input_shape", problem));
        }
        return Optional.empty();
    }

    /**
     * The steps as layer specs. The output is a Dense with softmax, a Dense followed by {@code
     * Activation('softmax')}, or a linear Dense (logits, for a {@code from_logits=True} loss), which
     * becomes the softmax output layer sparkcnn trains with cross-entropy.
     */
    private static List<LayerSpec> translate(List<Step> steps) {
        List<LayerSpec> specs = new ArrayList<>();
        boolean flat = false;
        for (int i = 0; i < steps.size(); i++) {
            boolean last = i == steps.size() - 1;
            if (steps.get(i) instanceof Block block) {
                specs.add(KerasBlocks.residual(block));
                continue;
            }
            KerasLayer layer = ((Single) steps.get(i)).layer();
            if (layer.className().equals("InputLayer")) {
                continue;
            }
            if (KerasLayers.isSoftmax(layer) && last && !specs.isEmpty()
                    && specs.get(specs.size() - 1) instanceof Dense d && d.activation() == Activation.IDENTITY) {
                KerasLayers.checkSoftmax(layer);
                specs.set(specs.size() - 1, new Dense(d.units(), Activation.SOFTMAX, d.bias()));
                continue;
            }
            Optional<LayerSpec> spec = KerasLayers.convert(layer);
            if (spec.isEmpty()) {
                continue;
            }
            LayerSpec s = spec.get();
            if (s instanceof Dense && !flat) {
                throw layer.error(null, "a Dense on an image applies to its last axis in Keras; sparkcnn's dense "
                        + "layers take flat features: put Flatten or GlobalAveragePooling2D before it");
            }
            if (s instanceof Dense d && d.activation() == Activation.SOFTMAX && !last) {
                throw layer.error("activation", "is softmax; sparkcnn applies softmax only in the output (last) layer");
            }
            flat = flat || s instanceof Flatten || s instanceof GlobalAvgPool || s instanceof Dense;
            specs.add(s);
        }
        LayerSpec output = specs.isEmpty() ? null : specs.get(specs.size() - 1);
        if (output instanceof Dense d && d.activation() == Activation.IDENTITY && lastIsDense(steps)) {
            // logits, which Keras trains with a from_logits=True loss: the same as sparkcnn's softmax output
            output = new Dense(d.units(), Activation.SOFTMAX, d.bias());
            specs.set(specs.size() - 1, output);
        }
        if (!(output instanceof Dense d && d.activation() == Activation.SOFTMAX)) {
            KerasLayer lastLayer = lastLayer(steps.get(steps.size() - 1));
            throw lastLayer.error(lastLayer.className().equals("Dense") ? "activation" : null, "the model must end "
                    + "in a Dense layer with softmax (the output layer sparkcnn trains with cross-entropy)");
        }
        return specs;
    }

    private static boolean lastIsDense(List<Step> steps) {
        return steps.get(steps.size() - 1) instanceof Single s && s.layer().className().equals("Dense");
    }

    private static KerasLayer lastLayer(Step step) {
        if (step instanceof Single s) {
            return s.layer();
        }
        Block b = (Block) step;
        return b.activation() != null ? b.activation() : b.add();
    }
}
