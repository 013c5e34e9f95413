package dev.sparkcnn.driver.export.onnx;

import dev.sparkcnn.kernels.model.Activation;
import dev.sparkcnn.kernels.model.Conv2d;
import dev.sparkcnn.kernels.model.LayerSpec;
import dev.sparkcnn.kernels.model.Padding;
import dev.sparkcnn.kernels.model.Residual;
import java.util.List;

/**
 * A residual block: its layers from the block's input (each by its own emitter), then the
 * shortcut from the same input (the input itself, or a 1x1 convolution without bias and a batch
 * normalization, emitted as those layers are), ONNX {@code Add} of the two, then the activation.
 * The parameters are read in the layout's order: the layers', then the shortcut's.
 */
final class ResidualEmitter implements LayerEmitter<Residual> {

    /** Emits a list of layers, naming them under a prefix. */
    interface Layers {
        void emit(List<LayerSpec> layers, String prefix, OnnxGraph graph);
    }

    private final Layers layers;
    private final ConvEmitter conv = new ConvEmitter();
    private final BatchNormEmitter batchNorm = new BatchNormEmitter();

    ResidualEmitter(Layers layers) {
        this.layers = layers;
    }

    @Override
    public Class<Residual> kind() {
        return Residual.class;
    }

    @Override
    public void emit(Residual block, String index, OnnxGraph graph) {
        String input = graph.current();
        long[] inShape = graph.shape();
        layers.emit(block.layers(), index + ".", graph);
        String main = graph.current();
        long[] out = graph.shape();
        graph.resume(input, inShape);
        if (block.projection()) {
            conv.emit(new Conv2d((int) out[0], 1, block.stride(), Padding.VALID, false, Activation.IDENTITY),
                    index + ".shortcut", graph);
            batchNorm.emit(block.shortcutNorm(), index + ".shortcut", graph);
        }
        if (!java.util.Arrays.equals(graph.shape(), out)) {
            throw new IllegalArgumentException("branches of shapes " + java.util.Arrays.toString(out) + " and "
                    + java.util.Arrays.toString(graph.shape()));
        }
        graph.node("Add", List.of(main, graph.current()), out);
        Activations.emit(block.activation(), graph);
    }
}
