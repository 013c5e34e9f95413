package dev.sparkcnn.kernels.nativeengine;

import dev.sparkcnn.kernels.model.Activation;
import dev.sparkcnn.kernels.model.Conv2d;
import dev.sparkcnn.kernels.model.Dense;
import dev.sparkcnn.kernels.model.Flatten;
import dev.sparkcnn.kernels.model.LayerSpec;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.model.Pool2d;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Compiles a network definition into {@code native} layers, first to last, one case per layer type.
 * Each layer's parameters are exactly the arrays its {@link LayerSpec#params} declares, in that
 * order (the definition's {@linkplain ModelSpec#layout() layout}), so states move freely between
 * engines. A layer type this engine cannot run yet is refused with a message naming it.
 *
 * <p>To add a layer type: write its {@link NativeLayer} (see that interface for the contract) and
 * add one case to {@link #compile(LayerSpec, Stack, String)}.
 */
final class NativeCompiler {

    private NativeCompiler() {
    }

    /**
     * The layers of a spec's network, first to last (the last is the softmax output layer).
     *
     * @throws IllegalArgumentException naming the first layer this engine cannot build
     */
    static List<NativeLayer> layers(ModelSpec spec, DataType dataType) {
        Stack stack = new Stack(spec, dataType);
        List<LayerSpec> layers = spec.definition().layers();
        for (int i = 0; i < layers.size(); i++) {
            compile(layers.get(i), stack, String.valueOf(i));
        }
        return List.copyOf(stack.layers);
    }

    private static void compile(LayerSpec layer, Stack stack, String index) {
        if (layer instanceof Conv2d c) {
            stack.require(c.bias(), index, layer, "convolution without bias");
            stack.add(new NativeConv(stack.dataType, stack.shape, c.filters(), c.kernel(), c.stride(),
                    c.padding().same() ? 0 : c.padding().amount(), c.padding().same(),
                    stack.activation(c.activation(), index, layer), !stack.layers.isEmpty()));
        } else if (layer instanceof Pool2d p) {
            stack.require(!p.padding().same(), index, layer, "'same' padding for pooling");
            stack.pool(new NativePool(stack.dataType, stack.shape, p.max() ? NativePool.Mode.MAX : NativePool.Mode.AVG,
                    p.size(), p.stride(), p.padding().amount()), p.max());
        } else if (layer instanceof Flatten) {
            // a dense layer flattens its input itself, in DL4J's (c, h, w) order
            stack.flattened = true;
        } else if (layer instanceof Dense d) {
            stack.require(d.bias(), index, layer, "dense layer without bias");
            int units = d.units(stack.spec.numClasses());
            stack.add(d.activation() == Activation.SOFTMAX
                    ? new NativeDense(stack.dataType, stack.shape, units, true)
                    : new NativeDense(stack.dataType, stack.shape, units, stack.activation(d.activation(), index, layer)));
        } else {
            throw stack.refuse(index, layer, layer.type() + " layer");
        }
    }

    /** The layers so far and the per-example NHWC (or flat) shape after them. */
    private static final class Stack {
        private final ModelSpec spec;
        private final DataType dataType;
        private final List<NativeLayer> layers = new ArrayList<>();
        private long[] shape;
        private boolean flattened;

        Stack(ModelSpec spec, DataType dataType) {
            this.spec = spec;
            this.dataType = dataType;
            this.shape = new long[]{spec.height(), spec.width(), spec.channels()};
        }

        void add(NativeLayer layer) {
            if (flattened && !(layer instanceof NativeDense)) {
                throw new IllegalArgumentException("engine native runs 'flatten' only before a dense layer");
            }
            flattened = false;
            layers.add(layer);
            shape = layer.outputShape();
        }

        /** Max-pooling after a ReLU convolution also does the ReLU's backward (bit-identical, cheaper). */
        void pool(NativePool pool, boolean max) {
            if (max && !layers.isEmpty() && layers.get(layers.size() - 1) instanceof NativeConv conv && conv.isRelu()) {
                conv.skipReluBackward();
                pool.maskForReluInput();
            }
            add(pool);
        }

        NativeActivation activation(Activation activation, String index, LayerSpec layer) {
            return switch (activation) {
                case IDENTITY -> NativeActivation.IDENTITY;
                case RELU -> NativeActivation.RELU;
                case SIGMOID -> NativeActivation.SIGMOID;
                case TANH -> NativeActivation.TANH;
                default -> throw refuse(index, layer, activation.id() + " activation");
            };
        }

        void require(boolean supported, String index, LayerSpec layer, String what) {
            if (!supported) {
                throw refuse(index, layer, what);
            }
        }

        IllegalArgumentException refuse(String index, LayerSpec layer, String what) {
            return new IllegalArgumentException("engine native cannot build layer " + index + " (" + layer.describe()
                    + ") of model '" + spec.model() + "' yet: it has no " + what);
        }
    }
}
