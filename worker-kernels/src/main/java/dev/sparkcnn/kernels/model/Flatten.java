package dev.sparkcnn.kernels.model;

/**
 * An image as flat features, in {@code [c, h, w]} order (PyTorch's and DL4J's). A dense layer
 * flattens its input anyway; this layer states it.
 */
public record Flatten() implements LayerSpec {

    @Override
    public String type() {
        return "flatten";
    }

    @Override
    public Shape outputShape(Shape in, int classes) {
        return Shape.features(in.size());
    }

    @Override
    public String describe() {
        return type();
    }
}
