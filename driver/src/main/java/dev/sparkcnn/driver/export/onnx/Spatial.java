package dev.sparkcnn.driver.export.onnx;

import org.deeplearning4j.nn.conf.ConvolutionMode;

/**
 * A sliding window's output size and explicit ONNX padding ({@code [top, left, bottom, right]})
 * for DL4J's convolution modes: Truncate/Strict (explicit padding, remainder dropped) and Same
 * (output {@code ceil(in / stride)}, smaller half of the padding at the top/left).
 */
record Spatial(long outHeight, long outWidth, long[] pads) {

    static Spatial of(ConvolutionMode mode, long[] chw, int[] kernel, int[] stride, int[] padding) {
        long h = chw[1];
        long w = chw[2];
        if (mode == ConvolutionMode.Same) {
            long oh = (h + stride[0] - 1) / stride[0];
            long ow = (w + stride[1] - 1) / stride[1];
            long ph = Math.max(0, (oh - 1) * stride[0] + kernel[0] - h);
            long pw = Math.max(0, (ow - 1) * stride[1] + kernel[1] - w);
            return new Spatial(oh, ow, new long[]{ph / 2, pw / 2, ph - ph / 2, pw - pw / 2});
        }
        if (mode != ConvolutionMode.Truncate && mode != ConvolutionMode.Strict) {
            throw new IllegalArgumentException("convolution mode " + mode + " (only Truncate, Strict, Same)");
        }
        long oh = (h + 2L * padding[0] - kernel[0]) / stride[0] + 1;
        long ow = (w + 2L * padding[1] - kernel[1]) / stride[1] + 1;
        return new Spatial(oh, ow, new long[]{padding[0], padding[1], padding[0], padding[1]});
    }
}
