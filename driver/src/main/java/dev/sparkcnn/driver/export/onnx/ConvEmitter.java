package dev.sparkcnn.driver.export.onnx;

import dev.sparkcnn.kernels.model.Conv2d;
import java.util.ArrayList;
import java.util.List;

/**
 * A 2-d convolution as ONNX {@code Conv} (NCHW; weights {@code [out, in, k, k]} 'c' after the bias,
 * as the layout stores them; no bias input for a convolution without one), with its stride and
 * padding, followed by its activation.
 */
final class ConvEmitter implements LayerEmitter<Conv2d> {

    @Override
    public Class<Conv2d> kind() {
        return Conv2d.class;
    }

    @Override
    public void emit(Conv2d layer, String index, OnnxGraph graph) {
        long[] in = graph.image();
        int k = layer.kernel();
        Spatial spatial = Spatial.of(layer.padding(), in, k, layer.stride());
        long out = layer.filters();
        List<String> inputs = new ArrayList<>(List.of(graph.current()));
        float[] bias = layer.bias() ? graph.take(out, "the bias") : null;
        float[] weights = graph.take(out * in[0] * k * k, "the weights");
        inputs.add(graph.constant("conv_w", weights, out, in[0], k, k));
        if (bias != null) {
            inputs.add(graph.constant("conv_b", bias, out));
        }
        graph.node("Conv", inputs, new long[]{out, spatial.outHeight(), spatial.outWidth()},
                append(spatial.window(k, layer.stride()), OnnxGraph.ints("dilations", 1, 1)));
        Activations.emit(layer.activation(), graph);
    }

    private static onnx.Onnx.AttributeProto[] append(onnx.Onnx.AttributeProto[] a, onnx.Onnx.AttributeProto b) {
        onnx.Onnx.AttributeProto[] all = java.util.Arrays.copyOf(a, a.length + 1);
        all[a.length] = b;
        return all;
    }
}
