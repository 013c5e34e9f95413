package dev.sparkcnn.kernels.model;

/**
 * Max- or average-pooling with a square window; no parameters. An average divides by the input
 * values inside the window (padding excluded).
 *
 * @param max     max-pooling, else average
 * @param size    window side, &gt; 0
 * @param stride  stride, &gt; 0 (definition files default it to {@code size})
 * @param padding border handling
 */
public record Pool2d(boolean max, int size, int stride, Padding padding) implements LayerSpec {

    public Pool2d {
        LayerSpec.requirePositive("size", size);
        LayerSpec.requirePositive("stride", stride);
    }

    @Override
    public String type() {
        return max ? "maxpool" : "avgpool";
    }

    @Override
    public Shape outputShape(Shape in, int classes) {
        LayerSpec.requireImage(this, in);
        return LayerSpec.slide(this, in, in.channels(), size, stride, padding);
    }

    @Override
    public String describe() {
        return type() + " " + size + "x" + size + (stride == size ? "" : " stride " + stride)
                + (padding.equals(Padding.VALID) ? "" : " " + padding);
    }
}
