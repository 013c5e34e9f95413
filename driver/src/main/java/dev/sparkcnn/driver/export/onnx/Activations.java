package dev.sparkcnn.driver.export.onnx;

import dev.sparkcnn.kernels.model.Activation;
import java.util.List;

/**
 * An activation function as an ONNX node (nothing for identity), with both engines' constants:
 * leaky ReLU's slope 0.01 and ELU's alpha 1 (ONNX's defaults, written out).
 */
final class Activations {
    private Activations() {
    }

    static void emit(Activation activation, OnnxGraph graph) {
        long[] shape = graph.shape();
        List<String> in = List.of(graph.current());
        switch (activation) {
            case IDENTITY -> {
                // nothing to emit
            }
            case RELU -> graph.node("Relu", in, shape);
            case LEAKY_RELU -> graph.node("LeakyRelu", in, shape, OnnxGraph.real("alpha", 0.01f));
            case ELU -> graph.node("Elu", in, shape, OnnxGraph.real("alpha", 1f));
            case SIGMOID -> graph.node("Sigmoid", in, shape);
            case TANH -> graph.node("Tanh", in, shape);
            case SOFTMAX -> {
                if (shape.length != 1) {
                    throw new IllegalArgumentException("softmax over an image");
                }
                graph.node("Softmax", in, shape, OnnxGraph.integer("axis", 1));
            }
        }
    }
}
