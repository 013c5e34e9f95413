package dev.sparkcnn.kernels.model;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * A network as a value: an ordered list of layer specs (residual blocks nest theirs), the weight
 * initialisation, and what it trains with by default. Engine-neutral; validated on construction
 * (the structure) and by {@link #summary} (the shapes, for a given input and class count); stored
 * in the model directory and compiled by each engine into its layers. The last layer is the output:
 * a dense layer with softmax.
 *
 * @param name        the catalogue name, or the file's name for a user's definition
 * @param description one line: the architecture and where it comes from
 * @param input       the input shape the network was designed for, or {@code null} to take the data's
 * @param weightInit  how weights are drawn ({@link WeightInit#UNIFORM} or {@link WeightInit#XAVIER_UNIFORM})
 * @param defaults    the optimizer, learning rate, batch size and normalization to use unless told otherwise
 * @param layers      the layers, first to last
 * @param source      where the definition was read from, for messages; not part of equality
 */
public record NetworkDefinition(String name, String description, Shape input, WeightInit weightInit,
                                TrainingDefaults defaults, List<LayerSpec> layers, String source)
        implements Serializable {

    public NetworkDefinition {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw DefinitionException.at(source, "layers", null, "a network needs at least one layer");
        }
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            boolean last = i == layers.size() - 1;
            boolean softmax = layer instanceof Dense d && d.activation() == Activation.SOFTMAX;
            if (last && !softmax) {
                throw DefinitionException.at(source, where(String.valueOf(i), layer), null,
                        "the last layer must be the output: a dense layer with activation softmax");
            }
            if (!last && softmax) {
                throw DefinitionException.at(source, where(String.valueOf(i), layer), "activation",
                        "softmax is for the last (output) layer only");
            }
            if (layer instanceof Residual r) {
                for (int j = 0; j < r.layers().size(); j++) {
                    LayerSpec inner = r.layers().get(j);
                    if (inner instanceof Residual || inner instanceof Dense d && d.activation() == Activation.SOFTMAX) {
                        throw DefinitionException.at(source, where(i + "." + j, inner), null,
                                "a residual block holds plain layers: no residual block or softmax inside");
                    }
                }
            }
        }
        if (weightInit != WeightInit.UNIFORM && weightInit != WeightInit.XAVIER_UNIFORM) {
            throw DefinitionException.at(source, "definition", "weightInit", "must be uniform or xavier_uniform, got "
                    + weightInit);
        }
        Objects.requireNonNull(defaults, "defaults");
    }

    /** {@code layer 3 (conv2d)}: how messages name a layer. */
    static String where(String index, LayerSpec layer) {
        return "layer " + index + " (" + layer.type() + ")";
    }

    /**
     * The shape fold over the layers for an input shape and class count: every layer's output shape
     * and parameters, and the parameter layout.
     *
     * @throws DefinitionException naming the source, the layer and the field if something does not fit
     */
    public NetworkSummary summary(Shape in, int classes) {
        return NetworkFold.run(this, in, classes);
    }

    /** The parameter layout for an input shape and class count (see {@link #summary}). */
    public ParamLayout layout(Shape in, int classes) {
        return summary(in, classes).layout();
    }

    /**
     * The smallest square image side (up to 4096) this network accepts with {@code channels} input
     * channels, or 0 if none does.
     */
    public int minImageSide(int channels, int classes) {
        for (int side = 1; side <= 4096; side++) {
            try {
                NetworkFold.shapesOnly(this, Shape.image(channels, side, side), classes);
                return side;
            } catch (DefinitionException e) {
                // too small: try the next side
            }
        }
        return 0;
    }

    /** The same definition read from another source (e.g. a model directory). */
    public NetworkDefinition withSource(String newSource) {
        return new NetworkDefinition(name, description, input, weightInit, defaults, layers, newSource);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkDefinition d && name.equals(d.name) && description.equals(d.description)
                && Objects.equals(input, d.input) && weightInit == d.weightInit && defaults.equals(d.defaults)
                && layers.equals(d.layers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, description, input, weightInit, defaults, layers);
    }
}
