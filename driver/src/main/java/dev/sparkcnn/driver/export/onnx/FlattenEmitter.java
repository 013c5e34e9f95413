package dev.sparkcnn.driver.export.onnx;

import dev.sparkcnn.kernels.model.Flatten;
import java.util.List;

/** Flatten as ONNX {@code Flatten} (axis 1): an NCHW image to features in (c, h, w) order, as both engines flatten; nothing for features. */
final class FlattenEmitter implements LayerEmitter<Flatten> {

    @Override
    public Class<Flatten> kind() {
        return Flatten.class;
    }

    @Override
    public void emit(Flatten layer, String index, OnnxGraph graph) {
        FlattenEmitter.flatten(graph);
    }

    /** Flattens the current tensor if it is an image. */
    static void flatten(OnnxGraph graph) {
        long[] in = graph.shape();
        if (in.length == 3) {
            graph.node("Flatten", List.of(graph.current()), new long[]{in[0] * in[1] * in[2]},
                    OnnxGraph.integer("axis", 1));
        }
    }
}
