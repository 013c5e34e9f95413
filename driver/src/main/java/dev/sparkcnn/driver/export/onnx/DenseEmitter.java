package dev.sparkcnn.driver.export.onnx;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;

/**
 * A fully connected layer (a hidden {@code DenseLayer} or the {@code OutputLayer}; the loss does
 * not matter at inference) as ONNX {@code Gemm} plus its activation. DL4J stores the weights as
 * {@code [in, out]} in 'f' order, which is the memory of a 'c' {@code [out, in]} matrix, hence
 * {@code transB = 1}; then the bias. An image input is first flattened in NCHW 'c' order, as
 * DL4J's {@code CnnToFeedForwardPreProcessor} does.
 *
 * @param <L> the layer class (one registration each)
 */
final class DenseEmitter<L extends FeedForwardLayer> implements LayerEmitter<L> {
    private final Class<L> kind;
    private final java.util.function.Predicate<L> hasBias;

    DenseEmitter(Class<L> kind, java.util.function.Predicate<L> hasBias) {
        this.kind = kind;
        this.hasBias = hasBias;
    }

    @Override
    public Class<L> kind() {
        return kind;
    }

    @Override
    public void emit(L layer, OnnxGraph graph) {
        long[] in = graph.shape();
        if (in.length == 3) {
            graph.node("Flatten", List.of(graph.current()), new long[]{in[0] * in[1] * in[2]},
                    OnnxGraph.integer("axis", 1));
            in = graph.shape();
        }
        if (in[0] != layer.getNIn()) {
            throw new IllegalArgumentException(in[0] + " inputs for a layer of " + layer.getNIn());
        }
        long out = layer.getNOut();
        List<String> inputs = new ArrayList<>(List.of(graph.current()));
        inputs.add(graph.constant("dense_w", graph.take(in[0] * out, "the weights"), out, in[0]));
        if (hasBias.test(layer)) {
            inputs.add(graph.constant("dense_b", graph.take(out, "the bias"), out));
        }
        graph.node("Gemm", inputs, new long[]{out}, OnnxGraph.integer("transB", 1));
        Activations.emit(layer.getActivationFn(), graph);
    }
}
