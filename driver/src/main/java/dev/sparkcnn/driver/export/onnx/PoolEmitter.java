package dev.sparkcnn.driver.export.onnx;

import dev.sparkcnn.kernels.model.Pool2d;
import java.util.List;

/**
 * Max- or average-pooling as ONNX {@code MaxPool} / {@code AveragePool} (floor mode) with the
 * layer's stride and padding. An average excludes the padded cells from its divisor, as both
 * engines do: ONNX's {@code count_include_pad = 0}, written out.
 */
final class PoolEmitter implements LayerEmitter<Pool2d> {

    @Override
    public Class<Pool2d> kind() {
        return Pool2d.class;
    }

    @Override
    public void emit(Pool2d layer, String index, OnnxGraph graph) {
        long[] in = graph.image();
        Spatial spatial = Spatial.of(layer.padding(), in, layer.size(), layer.stride());
        long[] out = {in[0], spatial.outHeight(), spatial.outWidth()};
        List<String> input = List.of(graph.current());
        onnx.Onnx.AttributeProto[] window = spatial.window(layer.size(), layer.stride());
        if (layer.max()) {
            graph.node("MaxPool", input, out, window);
        } else {
            onnx.Onnx.AttributeProto[] attributes = java.util.Arrays.copyOf(window, window.length + 1);
            attributes[window.length] = OnnxGraph.integer("count_include_pad", 0);
            graph.node("AveragePool", input, out, attributes);
        }
    }
}
