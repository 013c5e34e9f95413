package dev.sparkcnn.kernels.nativeengine;

import dev.sparkcnn.kernels.model.Activation;
import dev.sparkcnn.kernels.model.ActivationLayer;
import dev.sparkcnn.kernels.model.BatchNorm;
import dev.sparkcnn.kernels.model.Conv2d;
import dev.sparkcnn.kernels.model.Dense;
import dev.sparkcnn.kernels.model.Dropout;
import dev.sparkcnn.kernels.model.Flatten;
import dev.sparkcnn.kernels.model.GlobalAvgPool;
import dev.sparkcnn.kernels.model.LayerSpec;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.model.Pool2d;
import dev.sparkcnn.kernels.model.Residual;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Compiles a network definition into {@code native} layers, first to last, one case per layer type.
 * Each layer's parameters are exactly the arrays its {@link LayerSpec#params} declares, in that
 * order (the definition's {@linkplain ModelSpec#layout() layout}), so states move freely between
 * engines. A layer type or setting this engine cannot run is refused with a message naming it.
 *
 * <p>Two fusions keep the layer count and memory traffic down without changing any value: an
 * activation layer right after a batch normalization becomes that batch norm's own activation, and
 * a max-pooling right after a ReLU convolution or batch norm does the ReLU's backward (it masks the
 * gradient where the pooled value is not positive, and the ReLU skips its own pass).
 *
 * <p>To add a layer type: write its {@link NativeLayer} (see that interface for the contract) and
 * add one case to {@link Stack#compile}.
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
        return compile(spec, dataType).layers();
    }

    /**
     * The layers of a spec's network, first to last, and the channel block they hand activations
     * on in (0: NHWC; see {@link #blockedIfAllCan}).
     *
     * @throws IllegalArgumentException naming the first layer this engine cannot build
     */
    static Compiled compile(ModelSpec spec, DataType dataType) {
        Stack stack = new Stack(spec, dataType, new long[]{spec.height(), spec.width(), spec.channels()}, "", true);
        stack.compileAll(spec.definition().layers());
        int block = blockedIfAllCan(stack.layers, spec.channels());
        return new Compiled(List.copyOf(stack.layers), block);
    }

    /** A compiled network: its layers and the channel block of their activations, 0 for NHWC. */
    record Compiled(List<NativeLayer> layers, int block) {
    }

    /**
     * Tells every layer to hand on activations of whole channel blocks in oneDNN's blocked layout
     * when all of them can ({@link NativeLayer#runsBlocked}, {@link Dnnl#layoutBlock}) and the
     * input, which is NHWC, does not fill whole blocks or fills exactly one (the same bytes):
     * resnet20 does, the tutorial networks and vgg-bn (pooling and dropout run NHWC only) do not.
     *
     * @return the block used, 0 for NHWC
     */
    static int blockedIfAllCan(List<NativeLayer> layers, long inputChannels) {
        int block = Dnnl.layoutBlock();
        if (block == 0 || (Dnnl.wholeBlocks(block, inputChannels) && inputChannels != block)
                || !layers.stream().allMatch(layer -> layer.runsBlocked(block))) {
            return 0;
        }
        layers.forEach(layer -> layer.useBlocked(block));
        return block;
    }

    /** Whether a definition holds a batch normalization anywhere (its batch statistics span the whole batch). */
    static boolean hasBatchNorm(List<LayerSpec> layers) {
        for (LayerSpec layer : layers) {
            if (layer instanceof BatchNorm || layer instanceof Residual r && (r.projection() || hasBatchNorm(r.layers()))) {
                return true;
            }
        }
        return false;
    }

    /** The layers compiled so far at one nesting level and the per-example NHWC (or flat) shape after them. */
    private static final class Stack {
        private final ModelSpec spec;
        private final DataType dataType;
        private final String prefix; // "" at the top, "3." inside the residual block at index 3
        private final boolean networkInput; // whether this stack's input is the data (no input gradient needed)
        private final List<NativeLayer> layers = new ArrayList<>();
        private long[] shape;
        private boolean flattened;

        Stack(ModelSpec spec, DataType dataType, long[] shape, String prefix, boolean networkInput) {
            this.spec = spec;
            this.dataType = dataType;
            this.shape = shape;
            this.prefix = prefix;
            this.networkInput = networkInput;
        }

        void compileAll(List<LayerSpec> specs) {
            for (int i = 0; i < specs.size(); i++) {
                LayerSpec layer = specs.get(i);
                LayerSpec next = i + 1 < specs.size() ? specs.get(i + 1) : null;
                if (compile(layer, next, prefix + i)) {
                    i++; // the next layer (an activation) was fused into this one
                }
            }
        }

        /** Compiles one layer; returns whether it also consumed {@code next}. */
        private boolean compile(LayerSpec layer, LayerSpec next, String index) {
            if (layer instanceof Conv2d c) {
                add(new NativeConv(dataType, shape, new NativeConv.Spec(c.filters(), c.kernel(), c.stride(),
                        c.padding().same() ? 0 : c.padding().amount(), c.padding().same(), c.bias(),
                        activation(c.activation(), index, layer)), !(networkInput && layers.isEmpty())), index, layer);
            } else if (layer instanceof Pool2d p) {
                pool(new NativePool(dataType, shape, p.max() ? NativePool.Mode.MAX : NativePool.Mode.AVG, p.size(),
                        p.stride(), p.padding().same() ? 0 : p.padding().amount(), p.padding().same()), p.max(),
                        index, layer);
            } else if (layer instanceof GlobalAvgPool) {
                add(new NativeGlobalPool(dataType, shape), index, layer);
            } else if (layer instanceof BatchNorm b) {
                boolean fuse = next instanceof ActivationLayer a && a.function() != Activation.IDENTITY;
                NativeActivation act = fuse ? activation(((ActivationLayer) next).function(), index, next)
                        : NativeActivation.IDENTITY;
                add(new NativeBatchNorm(dataType, shape, b.momentum(), b.epsilon(), act), index, layer);
                return fuse;
            } else if (layer instanceof Dropout d) {
                passThrough(new NativeDropout(dataType, shape, d.rate()));
            } else if (layer instanceof ActivationLayer a) {
                passThrough(new NativeActivationLayer(dataType, shape, activation(a.function(), index, layer)));
            } else if (layer instanceof Flatten) {
                // a dense layer flattens its input itself, in DL4J's (c, h, w) order
                flattened = true;
            } else if (layer instanceof Dense d) {
                require(d.bias(), index, layer, "dense layer without bias");
                int units = d.units(spec.numClasses());
                add(d.activation() == Activation.SOFTMAX
                        ? new NativeDense(dataType, shape, units, true)
                        : new NativeDense(dataType, shape, units, activation(d.activation(), index, layer)), index,
                        layer);
            } else if (layer instanceof Residual r) {
                add(residual(r, index), index, layer);
            } else {
                throw refuse(index, layer, layer.type() + " layer");
            }
            return false;
        }

        private NativeResidual residual(Residual r, String index) {
            Stack main = new Stack(spec, dataType, shape, index + ".", false);
            main.compileAll(r.layers());
            List<NativeLayer> shortcut = new ArrayList<>();
            if (r.projection()) {
                long[] out = main.shape;
                NativeConv projection = new NativeConv(dataType, shape, new NativeConv.Spec((int) out[out.length - 1], 1,
                        r.stride(), 0, false, false, NativeActivation.IDENTITY), true);
                shortcut.add(projection);
                shortcut.add(new NativeBatchNorm(dataType, projection.outputShape(), r.shortcutNorm().momentum(),
                        r.shortcutNorm().epsilon(), NativeActivation.IDENTITY));
            }
            return new NativeResidual(dataType, shape, main.layers, shortcut, activation(r.activation(), index, r));
        }

        private void add(NativeLayer layer, String index, LayerSpec spec) {
            if (flattened && !(layer instanceof NativeDense)) {
                throw refuse(index, spec, "'" + spec.type() + "' after 'flatten' (only dropout, activation and "
                        + "dense layers may follow it)");
            }
            flattened = false;
            layers.add(layer);
            shape = layer.outputShape();
        }

        /** An element-wise layer: keeps the shape and, after a flatten, the pending flatten. */
        private void passThrough(NativeLayer layer) {
            layers.add(layer);
        }

        /**
         * Max-pooling after a ReLU convolution or batch norm does the ReLU: forward on the pooled
         * values, backward as a mask on the pooled gradient (bit-identical, cheaper).
         */
        private void pool(NativePool pool, boolean max, String index, LayerSpec spec) {
            NativeLayer previous = layers.isEmpty() ? null : layers.get(layers.size() - 1);
            if (max && previous instanceof NativeConv conv && conv.isRelu()) {
                conv.leaveReluToPooling();
                pool.takeOverReluOfInput();
            } else if (max && previous instanceof NativeBatchNorm norm && norm.isRelu()) {
                norm.leaveReluToPooling();
                pool.takeOverReluOfInput();
            }
            add(pool, index, spec);
        }

        NativeActivation activation(Activation activation, String index, LayerSpec layer) {
            return switch (activation) {
                case IDENTITY -> NativeActivation.IDENTITY;
                case RELU -> NativeActivation.RELU;
                case LEAKY_RELU -> NativeActivation.LEAKY_RELU;
                case ELU -> NativeActivation.ELU;
                case SIGMOID -> NativeActivation.SIGMOID;
                case TANH -> NativeActivation.TANH;
                case SOFTMAX -> throw refuse(index, layer, "softmax activation outside the output dense layer");
            };
        }

        void require(boolean supported, String index, LayerSpec layer, String what) {
            if (!supported) {
                throw refuse(index, layer, what);
            }
        }

        IllegalArgumentException refuse(String index, LayerSpec layer, String what) {
            return new IllegalArgumentException("engine native cannot build layer " + index + " (" + layer.describe()
                    + ") of model '" + spec.model() + "': it has no " + what);
        }
    }
}
