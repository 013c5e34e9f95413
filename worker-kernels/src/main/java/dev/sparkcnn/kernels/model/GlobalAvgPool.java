package dev.sparkcnn.kernels.model;

/** The mean of each channel over the whole image: {@code C x H x W} to {@code C} flat features. */
public record GlobalAvgPool() implements LayerSpec {

    @Override
    public String type() {
        return "globalavgpool";
    }

    @Override
    public Shape outputShape(Shape in, int classes) {
        LayerSpec.requireImage(this, in);
        return Shape.features(in.channels());
    }

    @Override
    public String describe() {
        return type();
    }
}
