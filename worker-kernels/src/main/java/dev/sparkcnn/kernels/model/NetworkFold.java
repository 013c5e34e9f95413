package dev.sparkcnn.kernels.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Shape inference as a fold over a definition's layers: each layer's output shape from its input's,
 * its parameter arrays in layout order, and a summary row; residual blocks fold their layers, then
 * check the shortcut. A layer that does not fit becomes one {@link DefinitionException} naming the
 * source, the layer and the field.
 */
final class NetworkFold {

    private final NetworkDefinition definition;
    private final int classes;
    private final boolean shapesOnly;
    private final List<NetworkSummary.Row> rows = new ArrayList<>();
    private final List<ParamArray> arrays = new ArrayList<>();

    private NetworkFold(NetworkDefinition definition, int classes, boolean shapesOnly) {
        this.definition = definition;
        this.classes = classes;
        this.shapesOnly = shapesOnly;
    }

    static NetworkSummary run(NetworkDefinition definition, Shape in, int classes) {
        NetworkFold fold = new NetworkFold(definition, classes, false);
        Shape out = fold.start(in);
        return new NetworkSummary(definition.name(), in, classes, fold.rows, new ParamLayout(fold.arrays), out);
    }

    /** The output shape only (no parameter arrays or rows, no input or class checks), for probing image sizes. */
    static Shape shapesOnly(NetworkDefinition definition, Shape in, int classes) {
        return new NetworkFold(definition, classes, true).start(in);
    }

    private Shape start(Shape in) {
        if (shapesOnly) {
            return fold(definition.layers(), in, "");
        }
        String source = definition.source();
        if (classes < 2) {
            throw DefinitionException.at(source, "data", "classes", "a network needs at least 2 classes, got "
                    + classes);
        }
        Shape declared = definition.input();
        if (declared != null && !declared.equals(in)) {
            throw DefinitionException.at(source, "definition", "input", "the network is defined for " + declared
                    + " input but the data is " + in + "; change 'input' or leave it out to take the data's shape");
        }
        List<LayerSpec> layers = definition.layers();
        if (layers.get(layers.size() - 1) instanceof Dense output && output.units() != Dense.CLASSES
                && output.units() != classes) {
            throw DefinitionException.at(source, NetworkDefinition.where(String.valueOf(layers.size() - 1), output),
                    "units", "the output layer has " + output.units() + " units but the data has " + classes
                            + " classes; set units to " + classes + " or \"classes\"");
        }
        return fold(layers, in, "");
    }

    private Shape fold(List<LayerSpec> layers, Shape in, String prefix) {
        Shape shape = in;
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            String index = prefix + i;
            try {
                shape = layer instanceof Residual block ? residual(block, shape, index) : plain(layer, shape, index);
            } catch (LayerSpec.Invalid e) {
                throw DefinitionException.at(definition.source(), NetworkDefinition.where(index, layer), e.field(),
                        e.problem());
            }
        }
        return shape;
    }

    private Shape plain(LayerSpec layer, Shape in, String index) {
        Shape out = layer.outputShape(in, classes);
        if (!shapesOnly) {
            add(index, layer.describe(), out, layer.params(in, classes, index + ".", definition.weightInit()));
        }
        return out;
    }

    private Shape residual(Residual block, Shape in, String index) {
        Shape out = fold(block.layers(), in, index + ".");
        block.checkShortcut(in, out);
        if (!shapesOnly) {
            add(index, block.describe() + " (shortcut + add)", out,
                    block.shortcutParams(in, out, index + ".shortcut.", definition.weightInit()));
        }
        return out;
    }

    private void add(String index, String layer, Shape out, List<ParamArray> params) {
        long trainable = 0;
        long fixed = 0;
        for (ParamArray p : params) {
            if (p.trainable()) {
                trainable += p.length();
            } else {
                fixed += p.length();
            }
        }
        arrays.addAll(params);
        rows.add(new NetworkSummary.Row(index, layer, out, trainable, fixed));
    }
}
