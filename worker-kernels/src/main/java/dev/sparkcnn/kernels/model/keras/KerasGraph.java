package dev.sparkcnn.kernels.model.keras;

import dev.sparkcnn.kernels.model.DefinitionException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Keras model's layers as a chain of steps: a plain layer, or a residual block. A Sequential model
 * is a chain already. A functional graph is walked from its input: a layer that feeds two layers
 * opens a block, whose two branches must meet again at one {@code Add}; the branch that is empty
 * (an identity shortcut) or a 1x1 {@code Conv2D} + {@code BatchNormalization} (a projection) is the
 * shortcut, the other the block's layers; an {@code Activation} or {@code ReLU} right after the
 * {@code Add} is the block's activation. Any other shape of graph is refused, naming the layer
 * where it stops fitting.
 */
final class KerasGraph {

    /** One step of the chain. */
    sealed interface Step permits Single, Block {
    }

    /** A plain layer. */
    record Single(KerasLayer layer) implements Step {
    }

    /**
     * A residual block.
     *
     * @param main       the block's layers
     * @param shortcut   empty (identity) or the projection's layers
     * @param add        the {@code Add} that joins them
     * @param activation the activation after the add, or {@code null}
     */
    record Block(List<KerasLayer> main, List<KerasLayer> shortcut, KerasLayer add, KerasLayer activation)
            implements Step {
    }

    private final Map<String, KerasLayer> byName = new LinkedHashMap<>();
    private final Map<String, List<KerasLayer>> consumers = new LinkedHashMap<>();
    private final Set<String> visited = new HashSet<>();
    private final String source;

    private KerasGraph(List<KerasLayer> layers, String source) {
        this.source = source;
        for (KerasLayer layer : layers) {
            if (byName.put(layer.name(), layer) != null) {
                throw layer.error("name", "another layer has the same name");
            }
            consumers.put(layer.name(), new ArrayList<>());
        }
        for (KerasLayer layer : layers) {
            boolean input = layer.className().equals("InputLayer");
            boolean add = layer.className().equals("Add");
            int expected = input ? 0 : add ? 2 : 1;
            if (layer.inputs().size() != expected) {
                throw layer.error("inbound_nodes", input ? "an input layer has no inputs"
                        : add ? "an Add joins exactly two branches (a residual block's layers and its shortcut), got "
                        + layer.inputs().size() + " inputs" : "the layer takes one input, got " + layer.inputs());
            }
            for (String from : layer.inputs()) {
                if (!byName.containsKey(from)) {
                    throw layer.error("inbound_nodes", "names the layer '" + from + "', which the model does not have");
                }
                consumers.get(from).add(layer);
            }
        }
    }

    /** The steps of a Sequential model: each layer in turn; an Add cannot occur. */
    static List<Step> sequential(List<KerasLayer> layers) {
        List<Step> steps = new ArrayList<>();
        for (KerasLayer layer : layers) {
            if (layer.className().equals("Add")) {
                throw layer.error(null, "an Add joins two branches, which a Sequential model does not have");
            }
            steps.add(new Single(layer));
        }
        return steps;
    }

    /**
     * The steps of a functional graph, from its one input to its one output.
     *
     * @param input  the model's {@code input_layers} entry
     * @param output the model's {@code output_layers} entry
     */
    static List<Step> functional(List<KerasLayer> layers, String input, String output, String source) {
        return new KerasGraph(layers, source).walk(input, output);
    }

    private List<Step> walk(String inputName, String outputName) {
        KerasLayer current = layer(inputName, "input_layers");
        if (!current.className().equals("InputLayer")) {
            throw current.error(null, "the model's input must be an InputLayer");
        }
        layer(outputName, "output_layers");
        visited.add(current.name());
        List<Step> steps = new ArrayList<>();
        steps.add(new Single(current));
        while (true) {
            List<KerasLayer> next = consumers.get(current.name());
            if (next.isEmpty()) {
                break;
            }
            if (next.size() == 1) {
                KerasLayer layer = next.get(0);
                if (layer.className().equals("Add")) {
                    throw layer.error("inbound_nodes", "this Add does not close a residual block: its inputs do not "
                            + "fork from one layer (" + layer.inputs() + ")");
                }
                visit(layer);
                steps.add(new Single(layer));
                current = layer;
            } else if (next.size() == 2) {
                Block block = block(current, next.get(0), next.get(1));
                steps.add(block);
                current = block.activation() != null ? block.activation() : block.add();
            } else {
                throw current.error(null, "feeds " + next.size() + " layers; sparkcnn imports chains and residual "
                        + "blocks (a layer feeds one layer, or two that meet again at an Add)");
            }
        }
        if (!current.name().equals(outputName)) {
            throw current.error(null, "the graph ends here, but the model's output is '" + outputName + "'");
        }
        for (KerasLayer layer : byName.values()) {
            if (!visited.contains(layer.name())) {
                throw layer.error(null, "is not on the path from the input '" + inputName + "' to the output '"
                        + outputName + "'; sparkcnn imports one-input, one-output models");
            }
        }
        return steps;
    }

    private Block block(KerasLayer fork, KerasLayer first, KerasLayer second) {
        List<KerasLayer> a = new ArrayList<>();
        List<KerasLayer> b = new ArrayList<>();
        KerasLayer addA = branch(fork, first, a);
        KerasLayer addB = branch(fork, second, b);
        if (addA != addB) {
            throw fork.error(null, "feeds two branches that do not meet at one Add (they end at " + addA.where()
                    + " and " + addB.where() + ")");
        }
        KerasLayer add = addA;
        if (a.isEmpty() && b.isEmpty()) {
            throw add.error("inbound_nodes", "adds a layer's output to itself; a residual block has layers");
        }
        // the shortcut: the empty branch, else the projection, else (both projections) Add's second input
        boolean aShortcut = a.isEmpty() || (!b.isEmpty() && isProjection(a)
                && !(isProjection(b) && add.inputs().get(1).equals(last(b).name())));
        List<KerasLayer> main = aShortcut ? b : a;
        List<KerasLayer> shortcut = aShortcut ? a : b;
        if (!shortcut.isEmpty() && !isProjection(shortcut)) {
            throw shortcut.get(0).error(null, "opens a residual shortcut that is neither the identity nor a 1x1 "
                    + "Conv2D followed by BatchNormalization (sparkcnn's projection shortcut)");
        }
        visit(add);
        KerasLayer activation = null;
        List<KerasLayer> after = consumers.get(add.name());
        if (after.size() == 1 && KerasLayers.isActivation(after.get(0))) {
            activation = after.get(0);
            visit(activation);
        }
        return new Block(main, shortcut, add, activation);
    }

    /** Follows one branch from the fork to the Add it ends at, collecting its layers. */
    private KerasLayer branch(KerasLayer fork, KerasLayer first, List<KerasLayer> layers) {
        KerasLayer layer = first;
        while (!layer.className().equals("Add")) {
            visit(layer);
            layers.add(layer);
            List<KerasLayer> next = consumers.get(layer.name());
            if (next.size() != 1) {
                throw layer.error(null, "inside the residual branch that starts after " + fork.where() + ", a layer "
                        + "must feed exactly one layer; this one feeds " + next.size()
                        + " (sparkcnn imports no block inside a block)");
            }
            layer = next.get(0);
        }
        return layer;
    }

    private static boolean isProjection(List<KerasLayer> layers) {
        return layers.size() == 2 && layers.get(0).className().equals("Conv2D")
                && layers.get(1).className().equals("BatchNormalization");
    }

    private static KerasLayer last(List<KerasLayer> layers) {
        return layers.get(layers.size() - 1);
    }

    private void visit(KerasLayer layer) {
        if (!visited.add(layer.name())) {
            throw layer.error(null, "is reached twice; sparkcnn imports chains and residual blocks");
        }
    }

    private KerasLayer layer(String name, String field) {
        KerasLayer layer = byName.get(name);
        if (layer == null) {
            throw DefinitionException.at(source, "model", field, "names the layer '" + name
                    + "', which the model does not have");
        }
        return layer;
    }
}
