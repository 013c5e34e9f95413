package dev.sparkcnn.kernels.nativeengine;

import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.model.ParamArray;
import dev.sparkcnn.kernels.model.ParamLayout;
import dev.sparkcnn.kernels.model.WeightInit;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The catalogue models as {@code native} layer stacks, with the parameter layout (and initial
 * values) of engine {@code dl4j}'s, so states move freely between the two engines.
 */
final class NativeModels {

    private NativeModels() {
    }

    /** The layers of a spec's model, first to last (the last is the softmax output layer). */
    static List<NativeLayer> layers(ModelSpec spec, DataType dataType) {
        return List.copyOf(stack(spec, dataType).layers);
    }

    /** The parameter layout of a spec's model: per layer, DL4J's arrays in DL4J's order. */
    static ParamLayout layout(ModelSpec spec) {
        return new ParamLayout(stack(spec, DataType.FLOAT).arrays);
    }

    private static Stack stack(ModelSpec spec, DataType dataType) {
        Stack stack = new Stack(spec, dataType);
        switch (spec.model()) {
            case ModelCatalogue.SIMPLE_CNN -> stack.conv(16, 1).pool().conv(32, 1).pool();
            case ModelCatalogue.MNIST_CNN -> stack.conv(32, 0).pool().conv(64, 0).pool().dense(128);
            case ModelCatalogue.CIFAR_CNN -> stack.conv(32, 0).pool().conv(64, 0).pool().conv(64, 0).dense(64);
            default -> throw new IllegalArgumentException("engine native has no layers for model '" + spec.model() + "'");
        }
        stack.output(spec.numClasses());
        return stack;
    }


    /** Appends layers, tracking the per-example NHWC (or flat) shape between them. */
    private static final class Stack {
        private final DataType dataType;
        private final List<NativeLayer> layers = new ArrayList<>();
        private final List<ParamArray> arrays = new ArrayList<>();
        /** PyTorch's default initialisation for simple-cnn, Keras' (glorot uniform) for the others. */
        private final WeightInit init;
        private long[] shape;

        Stack(ModelSpec spec, DataType dataType) {
            this.dataType = dataType;
            this.init = ModelCatalogue.SIMPLE_CNN.equals(spec.model()) ? WeightInit.UNIFORM : WeightInit.XAVIER_UNIFORM;
            this.shape = new long[]{spec.height(), spec.width(), spec.channels()};
        }

        /**
         * 3x3, stride 1, ReLU; padding 1 keeps the size ('same'), 0 loses 2 pixels ('valid'). The
         * first layer reads the network input, whose gradient nobody needs: it computes only its
         * parameter gradients.
         */
        Stack conv(int channels, int padding) {
            long in = shape[2];
            String name = layers.size() + ".";
            arrays.add(ParamArray.constant(name + "b", WeightInit.ZERO, channels));
            arrays.add(new ParamArray(name + "W", new long[]{channels, in, 3, 3}, 'c', true, init, in * 9.0,
                    channels * 9.0));
            return add(new NativeConv(dataType, shape, channels, 3, padding, !layers.isEmpty()));
        }

        /** 2x2 max-pooling, stride 2; after a ReLU convolution it also does the ReLU's backward (bit-identical, cheaper). */
        Stack pool() {
            NativePool pool = new NativePool(dataType, shape, 2);
            if (!layers.isEmpty() && layers.get(layers.size() - 1) instanceof NativeConv conv && conv.isRelu()) {
                conv.skipReluBackward();
                pool.maskForReluInput();
            }
            return add(pool);
        }

        Stack dense(int units) {
            denseArrays(units);
            return add(new NativeDense(dataType, shape, units, false));
        }

        void output(int classes) {
            denseArrays(classes);
            add(new NativeDense(dataType, shape, classes, true));
        }

        private void denseArrays(int units) {
            long in = NativeLayer.size(shape);
            String name = layers.size() + ".";
            arrays.add(new ParamArray(name + "W", new long[]{in, units}, 'f', true, init, in, units));
            arrays.add(ParamArray.constant(name + "b", WeightInit.ZERO, units));
        }

        private Stack add(NativeLayer layer) {
            layers.add(layer);
            shape = layer.outputShape();
            return this;
        }
    }
}
