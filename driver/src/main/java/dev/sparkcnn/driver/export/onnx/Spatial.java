package dev.sparkcnn.driver.export.onnx;

import dev.sparkcnn.kernels.model.Padding;

/**
 * A sliding window's output size and explicit ONNX padding ({@code [top, left, bottom, right]})
 * for a definition's {@link Padding}: explicit zeros on every side (the remainder dropped, ONNX's
 * floor mode) or {@code same} (output {@code ceil(in / stride)}, the smaller half of the padding at
 * the top/left, as both engines do).
 */
record Spatial(long outHeight, long outWidth, long[] pads) {

    static Spatial of(Padding padding, long[] chw, int kernel, int stride) {
        long h = chw[1];
        long w = chw[2];
        if (padding.same()) {
            long oh = (h + stride - 1) / stride;
            long ow = (w + stride - 1) / stride;
            long ph = Math.max(0, (oh - 1) * stride + kernel - h);
            long pw = Math.max(0, (ow - 1) * stride + kernel - w);
            return new Spatial(oh, ow, new long[]{ph / 2, pw / 2, ph - ph / 2, pw - pw / 2});
        }
        int p = padding.amount();
        return new Spatial(padding.outputSide(h, kernel, stride), padding.outputSide(w, kernel, stride),
                new long[]{p, p, p, p});
    }

    /** The ONNX attributes of a square window over this spatial layout. */
    onnx.Onnx.AttributeProto[] window(int kernel, int stride) {
        return new onnx.Onnx.AttributeProto[]{OnnxGraph.ints("kernel_shape", kernel, kernel),
            OnnxGraph.ints("strides", stride, stride), OnnxGraph.ints("pads", pads)};
    }
}
