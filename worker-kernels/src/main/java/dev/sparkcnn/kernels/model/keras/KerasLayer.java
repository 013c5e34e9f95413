package dev.sparkcnn.kernels.model.keras;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkcnn.kernels.model.DefinitionException;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a Keras model's {@code config.layers}: its position, class, name, configuration and
 * (in a functional model) the names of the layers it is called on.
 *
 * @param index     its position in {@code config.layers}, counted from 0
 * @param className its {@code class_name}, e.g. {@code Conv2D}
 * @param name      its name (from {@code name} or {@code config.name}; {@code layer N} if it has none)
 * @param config    its {@code config} object
 * @param inputs    the layers it is called on, in call order (empty for an input layer or in a Sequential model)
 * @param source    the file, for messages
 */
record KerasLayer(int index, String className, String name, JsonNode config, List<String> inputs, String source) {

    KerasLayer {
        inputs = List.copyOf(inputs);
    }

    /** Reads one entry; {@code functional} says whether to read its {@code inbound_nodes}. */
    static KerasLayer read(JsonNode entry, int index, String source, boolean functional) {
        String where = "Keras layer " + index;
        if (!entry.isObject()) {
            throw DefinitionException.at(source, where, null, "must be an object with a \"class_name\" and a \"config\"");
        }
        JsonNode className = entry.get("class_name");
        if (className == null || !className.isTextual()) {
            throw DefinitionException.at(source, where, "class_name", "is missing");
        }
        where += " (" + className.textValue() + ")";
        JsonNode config = entry.get("config");
        if (config == null || !config.isObject()) {
            throw DefinitionException.at(source, where, "config", "is missing or not an object");
        }
        JsonNode name = entry.hasNonNull("name") ? entry.get("name") : config.get("name");
        String layerName = name != null && name.isTextual() ? name.textValue() : "layer " + index;
        List<String> inputs = functional ? inputs(entry.get("inbound_nodes"), source, where) : List.of();
        return new KerasLayer(index, className.textValue(), layerName, config, inputs, source);
    }

    /**
     * The names of the layers a functional model's layer is called on. Keras 2 (and TensorFlow.js)
     * write {@code [[[name, node, tensor, kwargs], ...]]}; Keras 3 writes {@code [{"args": [...],
     * "kwargs": {...}}]} with each input tensor's {@code config.keras_history} = {@code [name, node, tensor]}.
     */
    private static List<String> inputs(JsonNode nodes, String source, String where) {
        if (nodes == null || nodes.isNull()) {
            throw DefinitionException.at(source, where, "inbound_nodes", "is missing from a layer of a functional model");
        }
        if (!nodes.isArray()) {
            throw DefinitionException.at(source, where, "inbound_nodes", "must be an array, got " + nodes);
        }
        if (nodes.size() > 1) {
            throw DefinitionException.at(source, where, "inbound_nodes", "the layer is called " + nodes.size()
                    + " times; sparkcnn imports layers used once (no shared layers)");
        }
        List<String> names = new ArrayList<>();
        if (nodes.size() == 1) {
            JsonNode node = nodes.get(0);
            if (node.isObject()) {
                collectKeras3(node.get("args"), names);
            } else if (node.isArray() && node.size() > 0 && node.get(0).isTextual()) {
                names.add(node.get(0).textValue()); // one input written without the list around it: [name, 0, 0]
            } else if (node.isArray()) {
                for (JsonNode input : node) {
                    if (!input.isArray() || input.size() < 1 || !input.get(0).isTextual()) {
                        throw DefinitionException.at(source, where, "inbound_nodes", "an input must be [layer name, "
                                + "node index, tensor index, kwargs], got " + input);
                    }
                    names.add(input.get(0).textValue());
                }
            }
            if (names.isEmpty()) {
                throw DefinitionException.at(source, where, "inbound_nodes", "names no input layer: " + node);
            }
        }
        return names;
    }

    /** Keras 3: every {@code keras_history} inside the call's arguments, in order. */
    private static void collectKeras3(JsonNode args, List<String> names) {
        if (args == null) {
            return;
        }
        if (args.isObject()) {
            JsonNode history = args.has("keras_history") ? args.get("keras_history")
                    : args.path("config").get("keras_history");
            if (history != null && history.isArray() && history.size() >= 1 && history.get(0).isTextual()) {
                names.add(history.get(0).textValue());
                return;
            }
        }
        if (args.isContainerNode()) {
            for (JsonNode child : args) {
                collectKeras3(child, names);
            }
        }
    }

    /** {@code Keras layer 3 (Conv2D 'conv2d_1')}: how messages name this layer. */
    String where() {
        return "Keras layer " + index + " (" + className + " '" + name + "')";
    }

    /** An error about one field of this layer's config ({@code null}: the layer as a whole). */
    DefinitionException error(String field, String problem) {
        return DefinitionException.at(source, where(), field, problem);
    }
}
