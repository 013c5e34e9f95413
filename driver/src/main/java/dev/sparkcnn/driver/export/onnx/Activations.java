package dev.sparkcnn.driver.export.onnx;

import java.util.List;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;

/** A layer's activation function as an ONNX node (nothing for identity). */
final class Activations {
    private Activations() {
    }

    static void emit(IActivation activation, OnnxGraph graph) {
        long[] shape = graph.shape();
        List<String> in = List.of(graph.current());
        if (activation == null || activation instanceof ActivationIdentity) {
            return;
        }
        if (activation instanceof ActivationReLU relu && isPlainRelu(relu)) {
            graph.node("Relu", in, shape);
        } else if (activation instanceof ActivationSigmoid) {
            graph.node("Sigmoid", in, shape);
        } else if (activation instanceof ActivationTanH) {
            graph.node("Tanh", in, shape);
        } else if (activation instanceof ActivationSoftmax && shape.length == 1) {
            graph.node("Softmax", in, shape, OnnxGraph.integer("axis", 1));
        } else {
            throw new IllegalArgumentException("activation " + activation + " has no ONNX emitter");
        }
    }

    /** DL4J's ReLU can clip and leak; only the plain max(0, x) is Relu. */
    private static boolean isPlainRelu(ActivationReLU relu) {
        return relu.equals(new ActivationReLU());
    }
}
