package dev.sparkcnn.kernels.model.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Rewrites a Keras 2 {@code to_json()} tree (the fixtures) into the Keras 3 form, as published Keras 3
 * files show it: {@code module} and {@code registered_name} on the model and every layer, dtype
 * policies as objects, an explicit {@code InputLayer} with {@code batch_shape}, {@code build_config},
 * inbound nodes as {@code {"args": [...], "kwargs": {}}} whose tensors carry {@code keras_history},
 * and a single input/output as a flat {@code [name, 0, 0]}.
 */
final class Keras3Form {

    private Keras3Form() {
    }

    static ObjectNode of(ObjectNode keras2) {
        ObjectNode root = keras2.deepCopy();
        root.remove("keras_version");
        root.remove("backend");
        root.put("module", "keras");
        root.putNull("registered_name");
        boolean functional = !root.get("class_name").asText().equals("Sequential");
        if (functional) {
            root.put("class_name", "Functional");
        }
        ObjectNode config = (ObjectNode) root.get("config");
        config.put("trainable", true);
        ArrayNode layers = (ArrayNode) config.get("layers");
        JsonNode firstConfig = layers.get(0).get("config");
        if (!functional && !layers.get(0).get("class_name").asText().equals("InputLayer")) {
            ObjectNode input = KerasFixtures.JSON.createObjectNode();
            input.put("class_name", "InputLayer");
            ObjectNode inputConfig = input.putObject("config");
            inputConfig.set("batch_shape", firstConfig.get("batch_input_shape"));
            inputConfig.put("dtype", "float32").put("sparse", false).put("name", "input_layer");
            ((ObjectNode) firstConfig).remove("batch_input_shape");
            layers.insert(0, input);
        }
        for (JsonNode node : layers) {
            ObjectNode layer = (ObjectNode) node;
            layer.put("module", "keras.layers");
            layer.putNull("registered_name");
            ObjectNode c = (ObjectNode) layer.get("config");
            if (layer.get("class_name").asText().equals("InputLayer")) {
                if (c.has("batch_input_shape")) {
                    c.set("batch_shape", c.remove("batch_input_shape"));
                }
                continue;
            }
            ObjectNode policy = c.putObject("dtype");
            policy.put("module", "keras").put("class_name", "DTypePolicy").putNull("registered_name");
            policy.putObject("config").put("name", "float32");
            if (layer.get("class_name").asText().equals("BatchNormalization")) {
                c.put("synchronized", false);
            }
            if (layer.get("class_name").asText().equals("Conv2D")) {
                c.put("groups", 1);
            }
            layer.putObject("build_config").putNull("input_shape");
            if (functional) {
                layer.set("inbound_nodes", nodes(layer.get("inbound_nodes")));
            }
        }
        if (functional) {
            config.set("input_layers", config.get("input_layers").get(0));
            config.set("output_layers", config.get("output_layers").get(0));
        }
        return root;
    }

    /** {@code [[[name, 0, 0, {}], ...]]} as {@code [{"args": [tensor or [tensors]], "kwargs": {}}]}. */
    private static ArrayNode nodes(JsonNode keras2) {
        ArrayNode nodes = KerasFixtures.JSON.createArrayNode();
        for (JsonNode node : keras2) {
            ObjectNode call = nodes.addObject();
            ArrayNode args = call.putArray("args");
            ArrayNode tensors = node.size() > 1 ? args.addArray() : args;
            for (JsonNode input : node) {
                ObjectNode tensor = tensors.addObject();
                tensor.put("class_name", "__keras_tensor__");
                ObjectNode t = tensor.putObject("config");
                t.putNull("shape");
                t.put("dtype", "float32");
                t.putArray("keras_history").add(input.get(0).asText()).add(0).add(0);
            }
            call.putObject("kwargs");
        }
        return nodes;
    }
}
