package dev.sparkcnn.kernels.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A 2-d convolution with a square kernel. Parameters (DL4J's layout): bias {@code [filters]} (if
 * {@code bias}), then weights {@code [filters, in, kernel, kernel]} in 'c' order.
 *
 * @param filters    output channels, &gt; 0
 * @param kernel     kernel side, &gt; 0
 * @param stride     stride, &gt; 0
 * @param padding    border handling
 * @param bias       whether the layer adds a bias
 * @param activation applied to the output
 */
public record Conv2d(int filters, int kernel, int stride, Padding padding, boolean bias, Activation activation)
        implements LayerSpec {

    public Conv2d {
        LayerSpec.requirePositive("filters", filters);
        LayerSpec.requirePositive("kernel", kernel);
        LayerSpec.requirePositive("stride", stride);
        if (activation == Activation.SOFTMAX) {
            throw new Invalid("activation", "softmax is for the output dense layer only");
        }
    }

    @Override
    public String type() {
        return "conv2d";
    }

    @Override
    public Shape outputShape(Shape in, int classes) {
        LayerSpec.requireImage(this, in);
        return LayerSpec.slide(this, in, filters, kernel, stride, padding);
    }

    @Override
    public List<ParamArray> params(Shape in, int classes, String name, WeightInit init) {
        List<ParamArray> arrays = new ArrayList<>();
        if (bias) {
            arrays.add(ParamArray.constant(name + "b", WeightInit.ZERO, filters));
        }
        long area = (long) kernel * kernel;
        // DL4J's fan-out divides by the stride's area
        arrays.add(new ParamArray(name + "W", new long[]{filters, in.channels(), kernel, kernel}, 'c', true, init,
                (double) in.channels() * area, (double) filters * area / ((double) stride * stride)));
        return arrays;
    }

    @Override
    public String describe() {
        return "conv2d " + filters + " " + kernel + "x" + kernel + (stride == 1 ? "" : " stride " + stride) + " "
                + padding + (bias ? "" : " no-bias") + (activation == Activation.IDENTITY ? "" : " " + activation.id());
    }
}
