package dev.sparkcnn.kernels.nativeengine;

import dev.sparkcnn.kernels.KernelBench.ConvTiming;
import dev.sparkcnn.kernels.KernelBench.Kind;
import dev.sparkcnn.kernels.KernelBench.Layer;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@code native} engine's side of {@link dev.sparkcnn.kernels.KernelBench}: layer shapes of a
 * model's native stack and timed forward/backward runs of its convolution layers on random data.
 */
public final class NativeKernelBench {

    private NativeKernelBench() {
    }

    /** The layers of the spec's model on engine {@code native}, first to last. Allocates nothing native. */
    public static List<Layer> layers(ModelSpec spec) {
        List<Layer> result = new ArrayList<>();
        long[] in = {spec.height(), spec.width(), spec.channels()};
        for (NativeLayer layer : NativeModels.layers(spec, DataType.FLOAT)) {
            result.add(describe(layer, in));
            in = layer.outputShape();
        }
        return List.copyOf(result);
    }

    private static Layer describe(NativeLayer layer, long[] in) {
        long[] out = layer.outputShape();
        if (layer instanceof NativeDense) {
            return new Layer(Kind.DENSE, 1, 1, NativeLayer.size(in), 1, 1, out[0], 1);
        }
        if (layer instanceof NativeConv) {
            // numParams = out + out * in * k * k (bias, then weights [out, in, k, k])
            long perFilter = (layer.numParams() - out[2]) / (out[2] * in[2]);
            int kernel = (int) Math.round(Math.sqrt(perFilter));
            return new Layer(Kind.CONV, in[0], in[1], in[2], out[0], out[1], out[2], kernel);
        }
        Kind kind = layer instanceof NativePool ? Kind.POOL : Kind.OTHER;
        long[] o = out.length == 3 ? out : new long[]{1, 1, NativeLayer.size(out)};
        long[] i = in.length == 3 ? in : new long[]{1, 1, NativeLayer.size(in)};
        int window = kind == Kind.POOL && o[0] > 0 ? (int) (i[0] / o[0]) : 1;
        return new Layer(kind, i[0], i[1], i[2], o[0], o[1], o[2], window);
    }

    /**
     * Times every convolution layer of the spec's model on its own: random NHWC input and random
     * parameters, {@code warmup} untimed then {@code reps} timed calls of forward (conv2d + ReLU)
     * and backward (the ReLU mask + conv2d_bp, which computes the input, weight and bias gradients;
     * a model's first convolution, which needs no input gradient, runs forward as window columns +
     * one gemm + ReLU and backward as the ReLU mask + one gemm on those columns for the weight and
     * bias gradients only), one layer at a time, on the calling thread (set its threads with
     * {@link NativeRuntime#configureThreads}).
     */
    public static List<ConvTiming> timeConvLayers(ModelSpec spec, int batch, int warmup, int reps) {
        if (batch < 1 || warmup < 0 || reps < 1) {
            throw new IllegalArgumentException("batch and reps must be >= 1 and warmup >= 0, got "
                    + batch + ", " + reps + ", " + warmup);
        }
        NativeRuntime.applyThreads(NativeRuntime.requestedThreads()); // per-op timings: every op gets all threads
        NativeRuntime.ensureFloatDefaults();
        List<NativeLayer> layers = NativeModels.layers(spec, DataType.FLOAT);
        List<Layer> shapes = layers(spec);
        long numParams = layers.stream().mapToLong(NativeLayer::numParams).sum();
        Nd4j.getRandom().setSeed(spec.seed());
        INDArray params = Nd4j.randn(DataType.FLOAT, numParams).muli(0.05);
        INDArray gradients = Nd4j.create(DataType.FLOAT, numParams);
        List<ConvTiming> timings = new ArrayList<>();
        try {
            long offset = 0;
            for (int l = 0; l < layers.size(); l++) {
                NativeLayer layer = layers.get(l);
                layer.bind(params, gradients, offset);
                offset += layer.numParams();
                Layer shape = shapes.get(l);
                if (shape.kind() == Kind.CONV) {
                    timings.add(timeConv(layer, shape, batch, warmup, reps));
                }
            }
        } finally {
            NativeLayer.close(params);
            NativeLayer.close(gradients);
        }
        return List.copyOf(timings);
    }

    private static ConvTiming timeConv(NativeLayer conv, Layer shape, int batch, int warmup, int reps) {
        INDArray input = Nd4j.rand(DataType.FLOAT, batch, shape.inHeight(), shape.inWidth(), shape.inChannels());
        INDArray outputGradient = Nd4j.randn(DataType.FLOAT, batch, shape.outHeight(), shape.outWidth(),
                shape.outChannels());
        conv.allocate(batch);
        try {
            for (int i = 0; i < warmup; i++) {
                conv.forward(input);
                conv.backward(outputGradient);
            }
            double[] forward = new double[reps];
            double[] backward = new double[reps];
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                conv.forward(input);
                long t1 = System.nanoTime();
                conv.backward(outputGradient); // the gradient's values do not change the work done
                long t2 = System.nanoTime();
                forward[i] = (t1 - t0) / 1e9;
                backward[i] = (t2 - t1) / 1e9;
            }
            return new ConvTiming(shape, batch, reps, median(forward), median(backward));
        } finally {
            conv.release();
            NativeLayer.close(input);
            NativeLayer.close(outputGradient);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
