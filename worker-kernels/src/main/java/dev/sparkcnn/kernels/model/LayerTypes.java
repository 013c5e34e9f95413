package dev.sparkcnn.kernels.model;

import dev.sparkcnn.kernels.model.DefinitionReader.Fields;
import java.util.List;

/**
 * The layer types of definition files: one case per type, from a JSON object's fields to a
 * {@link LayerSpec}. Optional fields and their defaults are written here once.
 */
final class LayerTypes {

    /** The {@code type} names, for messages. */
    static final List<String> NAMES = List.of("conv2d", "maxpool", "avgpool", "globalavgpool", "batchnorm", "dropout",
            "flatten", "dense", "activation", "residual");

    private LayerTypes() {
    }

    /** The layer of the given type from its fields; rejects fields the type does not have. */
    static LayerSpec parse(String type, Fields f, String index) {
        LayerSpec layer = switch (type) {
            case "conv2d" -> {
                int filters = f.integer("filters");
                int kernel = f.integer("kernel");
                int stride = f.integerOr("stride", 1);
                Padding padding = f.padding("padding");
                boolean bias = f.flagOr("bias", true);
                Activation activation = activation(f, "activation", Activation.IDENTITY);
                yield f.build(() -> new Conv2d(filters, kernel, stride, padding, bias, activation));
            }
            case "maxpool", "avgpool" -> {
                int size = f.integer("size");
                int stride = f.integerOr("stride", size);
                Padding padding = f.padding("padding");
                yield f.build(() -> new Pool2d(type.equals("maxpool"), size, stride, padding));
            }
            case "globalavgpool" -> new GlobalAvgPool();
            case "batchnorm" -> {
                double momentum = f.numberOr("momentum", BatchNorm.DEFAULT.momentum());
                double epsilon = f.numberOr("epsilon", BatchNorm.DEFAULT.epsilon());
                yield f.build(() -> new BatchNorm(momentum, epsilon));
            }
            case "dropout" -> {
                double rate = f.number("rate");
                yield f.build(() -> new Dropout(rate));
            }
            case "flatten" -> new Flatten();
            case "dense" -> {
                int units = units(f);
                Activation activation = activation(f, "activation", Activation.IDENTITY);
                boolean bias = f.flagOr("bias", true);
                yield f.build(() -> new Dense(units, activation, bias));
            }
            case "activation" -> {
                Activation function = activation(f, "function", null);
                yield f.build(() -> new ActivationLayer(function));
            }
            case "residual" -> residual(f, index);
            default -> throw f.error("type", "'" + type + "' is not a layer type; use one of "
                    + String.join(", ", NAMES));
        };
        f.finish();
        return layer;
    }

    private static Residual residual(Fields f, String index) {
        List<LayerSpec> layers = DefinitionReader.innerLayers(f, index);
        boolean projection;
        int stride;
        BatchNorm norm = BatchNorm.DEFAULT;
        if (f.has("shortcut") && f.node("shortcut").isTextual()) {
            String name = f.text("shortcut");
            if (!name.equals("identity")) {
                throw f.error("shortcut", "must be \"identity\" or {\"type\": \"projection\", \"stride\": N}, got '"
                        + name + "'");
            }
            projection = false;
            stride = 1;
        } else {
            Fields s = f.object("shortcut");
            String type = s.text("type");
            if (!type.equals("projection")) {
                throw s.error("type", "must be \"projection\" (a 1x1 convolution and batch norm), got '" + type + "'");
            }
            stride = s.integerOr("stride", 1);
            double momentum = s.numberOr("momentum", BatchNorm.DEFAULT.momentum());
            double epsilon = s.numberOr("epsilon", BatchNorm.DEFAULT.epsilon());
            norm = s.build(() -> new BatchNorm(momentum, epsilon));
            s.finish();
            projection = true;
        }
        Activation activation = activation(f, "activation", Activation.RELU);
        BatchNorm shortcutNorm = norm;
        return f.build(() -> new Residual(layers, projection, stride, activation, shortcutNorm));
    }

    private static int units(Fields f) {
        if (f.has("units") && f.node("units").isTextual()) {
            String text = f.text("units");
            if (!text.equals("classes")) {
                throw f.error("units", "must be a positive integer or \"classes\", got '" + text + "'");
            }
            return Dense.CLASSES;
        }
        return f.integer("units");
    }

    private static Activation activation(Fields f, String field, Activation otherwise) {
        return otherwise != null && !f.has(field) ? otherwise : f.choice(field, Activation::of);
    }
}
