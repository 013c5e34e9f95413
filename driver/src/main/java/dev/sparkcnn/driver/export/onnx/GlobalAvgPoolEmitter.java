package dev.sparkcnn.driver.export.onnx;

import dev.sparkcnn.kernels.model.GlobalAvgPool;
import java.util.List;

/** Global average pooling as ONNX {@code GlobalAveragePool} ({@code [C, 1, 1]}) then {@code Flatten} to {@code C} features. */
final class GlobalAvgPoolEmitter implements LayerEmitter<GlobalAvgPool> {

    @Override
    public Class<GlobalAvgPool> kind() {
        return GlobalAvgPool.class;
    }

    @Override
    public void emit(GlobalAvgPool layer, String index, OnnxGraph graph) {
        long channels = graph.image()[0];
        graph.node("GlobalAveragePool", List.of(graph.current()), new long[]{channels, 1, 1});
        graph.node("Flatten", List.of(graph.current()), new long[]{channels}, OnnxGraph.integer("axis", 1));
    }
}
