package dev.sparkcnn.driver.bench;

import dev.sparkcnn.driver.config.RunSettings;
import dev.sparkcnn.kernels.KernelBench.Layer;
import dev.sparkcnn.kernels.KernelBench;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.util.List;

/**
 * FLOP counts of the catalogue models, per image, and the inputs each model is benchmarked on.
 * A multiply-add counts as 2 FLOPs; pooling, activations, bias and loss are not counted.
 */
public final class KernelFlops {

    /** The classes every benchmark spec has (CIFAR-10 / MNIST). */
    public static final int CLASSES = 10;

    private KernelFlops() {
    }

    /** One benchmarked (model, input shape) pair. */
    public record Workload(String model, int channels, int height, int width) {
        public ModelSpec spec() {
            return new ModelSpec(model, channels, height, width, CLASSES,
                    ModelCatalogue.defaults(model).learningRate(), RunSettings.DEFAULT_SEED);
        }

        public String input() {
            return channels + "x" + height + "x" + width;
        }
    }

    /** mnist-cnn on 1x28x28, cifar-cnn and resnet20 on 3x32x32, simple-cnn and vgg-bn on both (as bench/pytorch_reference.py). */
    public static List<Workload> workloads(String model) {
        return switch (model) {
            case ModelCatalogue.SIMPLE_CNN -> List.of(new Workload(model, 1, 28, 28), new Workload(model, 3, 32, 32));
            case ModelCatalogue.MNIST_CNN -> List.of(new Workload(model, 1, 28, 28));
            case ModelCatalogue.CIFAR_CNN, ModelCatalogue.RESNET20 -> List.of(new Workload(model, 3, 32, 32));
            case ModelCatalogue.VGG_BN -> List.of(new Workload(model, 3, 32, 32), new Workload(model, 1, 28, 28));
            default -> throw new IllegalArgumentException("no benchmark inputs for model '" + model + "'");
        };
    }

    /** Forward FLOPs of one layer for one image: 2·Hout·Wout·Cout·Cin·k² for conv and dense (as 1x1), else 0. */
    public static long forward(Layer layer) {
        return switch (layer.kind()) {
            case CONV, DENSE -> 2L * layer.outHeight() * layer.outWidth() * layer.outChannels()
                    * layer.inChannels() * layer.kernel() * layer.kernel();
            default -> 0;
        };
    }

    /** Backward FLOPs of one layer for one image: input gradient plus weight gradient, 2× forward. */
    public static long backward(Layer layer) {
        return 2 * forward(layer);
    }

    /** Forward FLOPs of the convolution layers for one image. */
    public static long convForward(List<Layer> layers) {
        return layers.stream().filter(l -> l.kind() == KernelBench.Kind.CONV).mapToLong(KernelFlops::forward).sum();
    }

    /** Forward FLOPs of the conv and dense layers for one image. */
    public static long forward(List<Layer> layers) {
        return layers.stream().mapToLong(KernelFlops::forward).sum();
    }

    /** The usual training estimate for one image: forward + backward = 3 × forward. */
    public static long training(List<Layer> layers) {
        return 3 * forward(layers);
    }
}
