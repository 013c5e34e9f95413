package dev.sparkcnn.kernels.model;

/**
 * An activation function as a layer of its own (e.g. after batch normalization); no parameters.
 *
 * @param function the function; not softmax (the output dense layer's)
 */
public record ActivationLayer(Activation function) implements LayerSpec {

    public ActivationLayer {
        if (function == Activation.SOFTMAX) {
            throw new Invalid("function", "softmax is for the output dense layer only");
        }
    }

    @Override
    public String type() {
        return "activation";
    }

    @Override
    public Shape outputShape(Shape in, int classes) {
        return in;
    }

    @Override
    public String describe() {
        return "activation " + function.id();
    }
}
