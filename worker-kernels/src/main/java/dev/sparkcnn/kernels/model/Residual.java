package dev.sparkcnn.kernels.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A residual block: the input runs through {@code layers} and through the shortcut (the identity,
 * or a 1x1 convolution without bias and a batch normalization), the two are added, then
 * {@code activation}. Parameters: the layers' in order, then the shortcut's (weights
 * {@code [out, in, 1, 1]}, then the batch norm's four arrays). The branches' output shapes must
 * match.
 *
 * @param layers     the main branch, at least one layer, no residual block inside
 * @param projection whether the shortcut is a 1x1 convolution + batch norm (else the identity)
 * @param stride     the projection's stride (1 for the identity)
 * @param activation applied after the addition
 * @param shortcutNorm the projection's batch normalization settings ({@link BatchNorm#DEFAULT} for the identity)
 */
public record Residual(List<LayerSpec> layers, boolean projection, int stride, Activation activation,
                       BatchNorm shortcutNorm) implements LayerSpec {

    /** A block whose projection (if any) normalizes with {@link BatchNorm#DEFAULT}. */
    public Residual(List<LayerSpec> layers, boolean projection, int stride, Activation activation) {
        this(layers, projection, stride, activation, BatchNorm.DEFAULT);
    }

    public Residual {
        if (shortcutNorm == null) {
            throw new Invalid("shortcut", "a residual block needs its shortcut's batch-norm settings");
        }
        if (!projection && !shortcutNorm.equals(BatchNorm.DEFAULT)) {
            throw new Invalid("shortcut", "an identity shortcut has no batch normalization to set");
        }
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw new Invalid("layers", "a residual block needs at least one layer");
        }
        LayerSpec.requirePositive("shortcut.stride", stride);
        if (!projection && stride != 1) {
            throw new Invalid("shortcut", "an identity shortcut has stride 1; use a projection to change the shape");
        }
        if (activation == Activation.SOFTMAX) {
            throw new Invalid("activation", "softmax is for the output dense layer only");
        }
    }

    @Override
    public String type() {
        return "residual";
    }

    /** The main branch's output; the caller folds the inner layers itself to name them in errors. */
    @Override
    public Shape outputShape(Shape in, int classes) {
        Shape out = in;
        for (LayerSpec layer : layers) {
            out = layer.outputShape(out, classes);
        }
        checkShortcut(in, out);
        return out;
    }

    /** The shortcut's output for the block's input: the input itself, or the projection's to {@code channels}. */
    public Shape shortcutShape(Shape in, int channels) {
        if (!projection) {
            return in;
        }
        LayerSpec.requireImage(this, in);
        return LayerSpec.slide(this, in, channels, 1, stride, Padding.VALID);
    }

    /** Checks that the shortcut's output matches the main branch's {@code out}, naming both shapes. */
    public void checkShortcut(Shape in, Shape out) {
        Shape shortcut = shortcutShape(in, out.channels());
        if (!shortcut.equals(out)) {
            throw new Invalid("shortcut", "the residual branches do not match: the layers give " + out + " but the "
                    + (projection ? "projection (stride " + stride + ")" : "identity") + " shortcut gives " + shortcut
                    + " from the block's input " + in);
        }
    }

    /** The shortcut's parameters for the block's input and output shapes. */
    public List<ParamArray> shortcutParams(Shape in, Shape out, String name, WeightInit init) {
        List<ParamArray> arrays = new ArrayList<>();
        if (projection) {
            arrays.add(new ParamArray(name + "W", new long[]{out.channels(), in.channels(), 1, 1}, 'c', true, init,
                    in.channels(), (double) out.channels() / ((double) stride * stride)));
            arrays.addAll(shortcutNorm.params(out, 0, name, init));
        }
        return arrays;
    }

    @Override
    public String describe() {
        return "residual (" + (projection ? "projection" + (stride == 1 ? "" : " stride " + stride)
                + (shortcutNorm.equals(BatchNorm.DEFAULT) ? "" : " momentum " + shortcutNorm.momentum() + " epsilon "
                + shortcutNorm.epsilon()) : "identity") + ")" + (activation == Activation.IDENTITY ? "" : " " + activation.id());
    }
}
