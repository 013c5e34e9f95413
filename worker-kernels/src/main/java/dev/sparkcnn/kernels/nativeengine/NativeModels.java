package dev.sparkcnn.kernels.nativeengine;

import dev.sparkcnn.kernels.dl4j.Dl4jModels;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The catalogue models as {@code native} layer stacks: the same layers, parameter layout and
 * optimizers as {@link Dl4jModels}, so states move freely between the two engines.
 */
final class NativeModels {

    private NativeModels() {
    }

    /** The layers of a spec's model, first to last (the last is the softmax output layer). */
    static List<NativeLayer> layers(ModelSpec spec, DataType dataType) {
        Stack stack = new Stack(spec, dataType);
        switch (spec.model()) {
            case ModelCatalogue.SIMPLE_CNN -> stack.conv(16, 1).pool().conv(32, 1).pool();
            case ModelCatalogue.MNIST_CNN -> stack.conv(32, 0).pool().conv(64, 0).pool().dense(128);
            case ModelCatalogue.CIFAR_CNN -> stack.conv(32, 0).pool().conv(64, 0).pool().conv(64, 0).dense(64);
            default -> throw new IllegalArgumentException("engine native has no layers for model '" + spec.model() + "'");
        }
        return stack.output(spec.numClasses());
    }


    /** Appends layers, tracking the per-example NHWC (or flat) shape between them. */
    private static final class Stack {
        private final DataType dataType;
        private final List<NativeLayer> layers = new ArrayList<>();
        private long[] shape;

        Stack(ModelSpec spec, DataType dataType) {
            this.dataType = dataType;
            this.shape = new long[]{spec.height(), spec.width(), spec.channels()};
        }

        /**
         * 3x3, stride 1, ReLU; padding 1 keeps the size ('same'), 0 loses 2 pixels ('valid'). The
         * first layer reads the network input, whose gradient nobody needs: it computes only its
         * parameter gradients.
         */
        Stack conv(int channels, int padding) {
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
            return add(new NativeDense(dataType, shape, units, false));
        }

        List<NativeLayer> output(int classes) {
            add(new NativeDense(dataType, shape, classes, true));
            return List.copyOf(layers);
        }

        private Stack add(NativeLayer layer) {
            layers.add(layer);
            shape = layer.outputShape();
            return this;
        }
    }
}
