package dev.sparkcnn.driver.export.onnx;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;

/**
 * A 2-d convolution as ONNX {@code Conv} (NCHW; weights {@code [out, in, kh, kw]} as DL4J stores
 * them after the bias) followed by its activation. Padding is explicit, or DL4J's 'same' mode
 * (total padding split with the smaller half at the top/left).
 */
final class ConvEmitter implements LayerEmitter<ConvolutionLayer> {

    @Override
    public Class<ConvolutionLayer> kind() {
        return ConvolutionLayer.class;
    }

    @Override
    public void emit(ConvolutionLayer layer, OnnxGraph graph) {
        if (layer.getCnn2dDataFormat() != null && layer.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            throw new IllegalArgumentException("data format " + layer.getCnn2dDataFormat() + " (only NCHW)");
        }
        for (int d : layer.getDilation()) {
            if (d != 1) {
                throw new IllegalArgumentException("dilation " + d + " (only 1)");
            }
        }
        long[] in = graph.shape();
        if (in.length != 3 || in[0] != layer.getNIn()) {
            throw new IllegalArgumentException("input of shape " + java.util.Arrays.toString(in) + " for "
                    + layer.getNIn() + " channels");
        }
        int[] k = layer.getKernelSize();
        int[] s = layer.getStride();
        Spatial spatial = Spatial.of(layer.getConvolutionMode(), in, k, s, layer.getPadding());
        long out = layer.getNOut();
        List<String> inputs = new ArrayList<>(List.of(graph.current()));
        float[] bias = layer.hasBias() ? graph.take(out, "the bias") : null;
        float[] weights = graph.take(out * in[0] * k[0] * k[1], "the weights");
        inputs.add(graph.constant("conv_w", weights, out, in[0], k[0], k[1]));
        if (bias != null) {
            inputs.add(graph.constant("conv_b", bias, out));
        }
        graph.node("Conv", inputs, new long[]{out, spatial.outHeight(), spatial.outWidth()},
                OnnxGraph.ints("kernel_shape", k[0], k[1]), OnnxGraph.ints("strides", s[0], s[1]),
                OnnxGraph.ints("pads", spatial.pads()), OnnxGraph.ints("dilations", 1, 1));
        Activations.emit(layer.getActivationFn(), graph);
    }
}
