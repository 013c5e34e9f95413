package dev.sparkcnn.kernels;

import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.nativeengine.NativeKernelBench;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A benchmark hook into the {@code native} engine's layers, for {@code sparkcnn bench kernels}: the
 * layer shapes of a model, and timed forward/backward runs of its convolution layers on random data.
 * Reports shapes and seconds only; FLOP arithmetic is the caller's.
 */
public final class KernelBench {

    private KernelBench() {
    }

    /** What a layer computes, as far as FLOP counting cares. */
    public enum Kind { CONV, POOL, DENSE, OTHER }

    /**
     * One layer of a model's {@code native} stack. A dense layer is shown as a 1x1 image with
     * {@code inChannels} inputs and {@code outChannels} units and kernel 1; a pooling layer's
     * kernel is its window.
     */
    public record Layer(Kind kind, long inHeight, long inWidth, long inChannels,
                        long outHeight, long outWidth, long outChannels, int kernel) {
    }

    /** Median seconds of one forward and one backward call of a convolution layer on a batch. */
    public record ConvTiming(Layer layer, int batch, int reps, double forwardSeconds, double backwardSeconds) {
    }

    /**
     * Mean time of one layer inside a whole forward and backward pass of its network. A residual
     * block is a row ({@code depth} 0) with its own share only (the addition, the activation and
     * the gradient copies), followed by its layers' rows at {@code depth} 1.
     *
     * @param outShape the per-example output shape, e.g. {@code 16x32x32} (channels first, as the
     *                 conv rows print it) or {@code 128}
     */
    public record LayerTime(int depth, String layer, String outShape, double forwardMillis, double backwardMillis) {
    }

    /** The layer rows of {@link #timeLayersInNetwork}, the steps timed and their mean wall time. */
    public record LayerTimes(List<LayerTime> layers, int steps, double stepMillis) {
    }

    /**
     * Times every layer of the spec's model on engine {@code native} in place, as a training step
     * runs them (see {@link NativeKernelBench#timeLayersInNetwork}), on the calling thread.
     */
    public static LayerTimes timeLayersInNetwork(ModelSpec spec, int batch, double warmupSeconds, double seconds) {
        return NativeKernelBench.timeLayersInNetwork(spec, batch, warmupSeconds, seconds);
    }

    /** The layers of the spec's model on engine {@code native}, first to last. Allocates nothing native. */
    public static List<Layer> layers(ModelSpec spec) {
        return NativeKernelBench.layers(spec);
    }

    /**
     * Times every convolution layer of the spec's model on engine {@code native} on its own (see
     * {@link NativeKernelBench#timeConvLayers}), on the calling thread (set its threads with
     * {@link NativeRuntime#configureThreads}).
     */
    public static List<ConvTiming> timeConvLayers(ModelSpec spec, int batch, int warmup, int reps) {
        return NativeKernelBench.timeConvLayers(spec, batch, warmup, reps);
    }

    /**
     * Seconds per {@code Nd4j.gemm} of two random {@code n x n} float matrices: {@code warmup}
     * untimed calls, then the mean of {@code reps} timed ones, on the calling thread.
     */
    public static double timeGemm(int n, int warmup, int reps) {
        NativeRuntime.ensureFloatDefaults();
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        try {
            for (int i = 0; i < warmup; i++) {
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            }
            return (System.nanoTime() - t0) / 1e9 / reps;
        } finally {
            close(a);
            close(b);
            close(c);
        }
    }

    /** The size of libnd4j's thread pool, fixed when the library loaded. */
    public static int libnd4jPoolThreads() {
        NativeRuntime.ensureFloatDefaults();
        return Nd4j.getEnvironment().maxThreads();
    }

    private static void close(INDArray array) {
        if (array.closeable()) {
            array.close();
        }
    }
}
