package dev.sparkcnn.kernels.nativeengine;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A plain stack of {@code native} layers ending in a softmax dense layer, with its own flat
 * parameter and gradient buffers, trained on the mean cross-entropy as the network trains it: for
 * the whole-stack gradient checks and the layer benchmark, before a definition compiles to layers.
 */
final class LayerStack implements AutoCloseable {

    private final List<NativeLayer> layers;
    private final DataType dataType;
    private final long[] inShape;
    private final INDArray params;
    private final INDArray gradients;
    private int batch;
    /** Per layer, summed nanoseconds of forward and of backward calls (for the benchmark's profile). */
    final long[] forwardNanos;
    final long[] backwardNanos;
    private INDArray input;
    private INDArray oneHot;
    private INDArray outputGradient;

    LayerStack(DataType dataType, long[] inShape, List<NativeLayer> layers) {
        this(dataType, inShape, layers, Nd4j.create(dataType, numParams(layers)),
                Nd4j.create(dataType, numParams(layers)));
    }

    /** Bound to the given flat buffers (shared parameters, e.g., with one gradient buffer per batch slice). */
    LayerStack(DataType dataType, long[] inShape, List<NativeLayer> layers, INDArray params, INDArray gradients) {
        this.layers = List.copyOf(layers);
        this.dataType = dataType;
        this.inShape = inShape.clone();
        this.params = params;
        this.gradients = gradients;
        this.forwardNanos = new long[layers.size()];
        this.backwardNanos = new long[layers.size()];
        long offset = 0;
        for (NativeLayer layer : layers) {
            layer.bind(params, gradients, offset);
            offset += layer.numParams();
        }
    }

    static long numParams(List<NativeLayer> layers) {
        return layers.stream().mapToLong(NativeLayer::numParams).sum();
    }

    INDArray params() {
        return params;
    }

    INDArray gradients() {
        return gradients;
    }

    List<NativeLayer> layers() {
        return layers;
    }

    /** (flat offset, channels) of every batch normalization, inside residual blocks too. */
    List<long[]> batchNormOffsets() {
        List<long[]> found = new java.util.ArrayList<>();
        collect(layers, 0, found);
        return found;
    }

    private static long collect(List<NativeLayer> layers, long offset, List<long[]> found) {
        long at = offset;
        for (NativeLayer layer : layers) {
            if (layer instanceof NativeBatchNorm) {
                found.add(new long[]{at, layer.numParams() / 4});
            } else if (layer instanceof NativeResidual block) {
                collect(block.layers(), at, found);
            }
            at += layer.numParams();
        }
        return at;
    }

    /** Hands every layer the step's context. */
    void begin(StepContext context) {
        for (NativeLayer layer : layers) {
            layer.begin(context);
        }
    }

    /** The probabilities for NHWC {@code x} of {@code size} examples (allocating on a new size). */
    INDArray forward(INDArray x) {
        int size = (int) x.size(0);
        if (size != batch) {
            for (NativeLayer layer : layers) {
                layer.allocate(size);
            }
            NativeLayer.close(input);
            NativeLayer.close(oneHot);
            NativeLayer.close(outputGradient);
            long[] full = new long[inShape.length + 1];
            full[0] = size;
            System.arraycopy(inShape, 0, full, 1, inShape.length);
            input = Nd4j.create(dataType, full);
            int classes = (int) layers.get(layers.size() - 1).outputShape()[0];
            oneHot = Nd4j.create(dataType, size, classes);
            outputGradient = Nd4j.create(dataType, size, classes);
            batch = size;
        }
        input.assign(x);
        INDArray activation = input;
        for (int i = 0; i < layers.size(); i++) {
            long t0 = System.nanoTime();
            activation = layers.get(i).forward(activation);
            forwardNanos[i] += System.nanoTime() - t0;
        }
        return activation;
    }

    /** The summed cross-entropy of {@code x} against {@code labels}; leaves the mean's gradient in {@link #gradients}. */
    double forwardBackward(INDArray x, int[] labels) {
        INDArray probabilities = forward(x);
        double loss = NativeNetwork.crossEntropy(probabilities, labels);
        oneHot.assign(0);
        for (int i = 0; i < labels.length; i++) {
            oneHot.putScalar(i, labels[i], 1.0);
        }
        NativeNetwork.meanCrossEntropyGradient(probabilities, oneHot, outputGradient);
        INDArray gradient = outputGradient;
        for (int i = layers.size() - 1; i >= 0 && gradient != null; i--) {
            long t0 = System.nanoTime();
            gradient = layers.get(i).backward(gradient);
            backwardNanos[i] += System.nanoTime() - t0;
        }
        return loss;
    }

    @Override
    public void close() {
        for (NativeLayer layer : layers) {
            layer.release();
        }
        NativeLayer.close(params);
        NativeLayer.close(gradients);
        NativeLayer.close(input);
        NativeLayer.close(oneHot);
        NativeLayer.close(outputGradient);
    }
}
