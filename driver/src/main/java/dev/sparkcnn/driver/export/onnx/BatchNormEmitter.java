package dev.sparkcnn.driver.export.onnx;

import dev.sparkcnn.kernels.model.BatchNorm;
import java.util.List;

/**
 * Batch normalization in inference as ONNX {@code BatchNormalization} over channel axis 1 (an
 * image's channels, or the features after flattening): scale, shift, running mean and running
 * variance in the layout's order, and the layer's epsilon. The momentum only matters in training.
 */
final class BatchNormEmitter implements LayerEmitter<BatchNorm> {

    @Override
    public Class<BatchNorm> kind() {
        return BatchNorm.class;
    }

    @Override
    public void emit(BatchNorm layer, String index, OnnxGraph graph) {
        long[] shape = graph.shape();
        long c = shape[0];
        String gamma = graph.constant("bn_gamma", graph.take(c, "the scale"), c);
        String beta = graph.constant("bn_beta", graph.take(c, "the shift"), c);
        String mean = graph.constant("bn_mean", graph.take(c, "the running mean"), c);
        String var = graph.constant("bn_var", graph.take(c, "the running variance"), c);
        graph.node("BatchNormalization", List.of(graph.current(), gamma, beta, mean, var), shape,
                OnnxGraph.real("epsilon", (float) layer.epsilon()));
    }
}
