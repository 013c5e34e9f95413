package dev.sparkcnn.kernels.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkcnn.kernels.optim.LrSchedule;
import dev.sparkcnn.kernels.optim.TrainingOptions;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes a network definition as the JSON {@link DefinitionReader} reads, every field explicit, so
 * a definition round-trips exactly.
 */
public final class DefinitionWriter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DefinitionWriter() {
    }

    /** The definition as pretty-printed JSON. */
    public static String write(NetworkDefinition definition) {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", definition.name());
        root.put("description", definition.description());
        if (definition.input() != null) {
            Shape in = definition.input();
            root.putArray("input").add(in.channels()).add(in.height()).add(in.width());
        }
        root.put("weightInit", definition.weightInit().id());
        TrainingDefaults d = definition.defaults();
        ObjectNode defaults = root.putObject("defaults");
        defaults.put("optimizer", d.optimizer().id());
        defaults.put("learningRate", d.learningRate());
        defaults.put("batchSize", d.batchSize());
        ObjectNode normalization = defaults.putObject("normalization");
        normalization.put("mean", d.normalizationMean());
        normalization.put("std", d.normalizationStd());
        if (d.training().weightDecay() != 0) { // written only when set: definitions without them write as before
            defaults.put("weightDecay", d.training().weightDecay());
        }
        if (d.training().labelSmoothing() != 0) {
            defaults.put("labelSmoothing", d.training().labelSmoothing());
        }
        if (!d.training().schedule().equals(LrSchedule.CONSTANT)) {
            defaults.set("schedule", TrainingOptions.scheduleJson(d.training().schedule()));
        }
        layers(root.putArray("layers"), definition.layers());
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void layers(ArrayNode array, List<LayerSpec> layers) {
        for (LayerSpec layer : layers) {
            ObjectNode o = array.addObject();
            o.put("type", layer.type());
            if (layer instanceof Conv2d c) {
                o.put("filters", c.filters()).put("kernel", c.kernel()).put("stride", c.stride());
                padding(o, c.padding());
                o.put("bias", c.bias()).put("activation", c.activation().id());
            } else if (layer instanceof Pool2d p) {
                o.put("size", p.size()).put("stride", p.stride());
                padding(o, p.padding());
            } else if (layer instanceof BatchNorm b) {
                o.put("momentum", b.momentum()).put("epsilon", b.epsilon());
            } else if (layer instanceof Dropout d) {
                o.put("rate", d.rate());
            } else if (layer instanceof Dense d) {
                if (d.units() == Dense.CLASSES) {
                    o.put("units", "classes");
                } else {
                    o.put("units", d.units());
                }
                o.put("activation", d.activation().id()).put("bias", d.bias());
            } else if (layer instanceof ActivationLayer a) {
                o.put("function", a.function().id());
            } else if (layer instanceof Residual r) {
                layers(o.putArray("layers"), r.layers());
                if (r.projection()) {
                    o.putObject("shortcut").put("type", "projection").put("stride", r.stride())
                            .put("momentum", r.shortcutNorm().momentum()).put("epsilon", r.shortcutNorm().epsilon());
                } else {
                    o.put("shortcut", "identity");
                }
                o.put("activation", r.activation().id());
            } // GlobalAvgPool and Flatten have no fields
        }
    }

    private static void padding(ObjectNode o, Padding padding) {
        if (padding.same() || padding.amount() == 0) {
            o.put("padding", padding.toString());
        } else {
            o.put("padding", padding.amount());
        }
    }
}
