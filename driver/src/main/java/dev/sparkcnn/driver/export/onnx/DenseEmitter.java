package dev.sparkcnn.driver.export.onnx;

import dev.sparkcnn.kernels.model.Dense;
import java.util.ArrayList;
import java.util.List;

/**
 * A fully connected layer as ONNX {@code Gemm} plus its activation (softmax for the output layer).
 * The layout stores the weights as {@code [in, out]} in 'f' order, which is the memory of a 'c'
 * {@code [out, in]} matrix, hence {@code transB = 1}; then the bias. An image input is first
 * flattened in (c, h, w) order, as both engines do.
 */
final class DenseEmitter implements LayerEmitter<Dense> {

    @Override
    public Class<Dense> kind() {
        return Dense.class;
    }

    @Override
    public void emit(Dense layer, String index, OnnxGraph graph) {
        FlattenEmitter.flatten(graph);
        long in = graph.shape()[0];
        long out = layer.units(graph.classes());
        List<String> inputs = new ArrayList<>(List.of(graph.current()));
        inputs.add(graph.constant("dense_w", graph.take(in * out, "the weights"), out, in));
        if (layer.bias()) {
            inputs.add(graph.constant("dense_b", graph.take(out, "the bias"), out));
        }
        graph.node("Gemm", inputs, new long[]{out}, OnnxGraph.integer("transB", 1));
        Activations.emit(layer.activation(), graph);
    }
}
