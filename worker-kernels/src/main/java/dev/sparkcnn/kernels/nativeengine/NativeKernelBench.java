package dev.sparkcnn.kernels.nativeengine;

import dev.sparkcnn.kernels.KernelBench.ConvTiming;
import dev.sparkcnn.kernels.KernelBench.Kind;
import dev.sparkcnn.kernels.KernelBench.Layer;
import dev.sparkcnn.kernels.KernelBench.LayerTime;
import dev.sparkcnn.kernels.KernelBench.LayerTimes;
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
        for (Placed placed : flatten(NativeCompiler.layers(spec, DataType.FLOAT), inputShape(spec))) {
            result.add(describe(placed.layer(), placed.in()));
        }
        return List.copyOf(result);
    }

    private static long[] inputShape(ModelSpec spec) {
        return new long[]{spec.height(), spec.width(), spec.channels()};
    }

    /** A layer and its per-example input shape. */
    record Placed(NativeLayer layer, long[] in) {
    }

    /**
     * The layers in parameter order with their input shapes, a residual block replaced by its
     * inner layers (main branch from the block's input, then the shortcut from it); the block's
     * addition and activation are not listed.
     */
    static List<Placed> flatten(List<NativeLayer> layers, long[] in) {
        List<Placed> result = new ArrayList<>();
        long[] shape = in;
        for (NativeLayer layer : layers) {
            if (layer instanceof NativeResidual block) {
                result.addAll(flatten(block.main(), shape));
                result.addAll(flatten(block.shortcut(), shape));
            } else {
                result.add(new Placed(layer, shape));
            }
            shape = layer.outputShape();
        }
        return result;
    }

    private static Layer describe(NativeLayer layer, long[] in) {
        long[] out = layer.outputShape();
        if (layer instanceof NativeDense) {
            return new Layer(Kind.DENSE, 1, 1, NativeLayer.size(in), 1, 1, out[0], 1);
        }
        if (layer instanceof NativeConv conv) {
            return new Layer(Kind.CONV, in[0], in[1], in[2], out[0], out[1], out[2], conv.kernel());
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
     * bias gradients only; a ReLU followed by max-pooling is left to the pooling, forward and
     * backward, as in training), one layer at a time, on the calling thread (set its threads with
     * {@link NativeRuntime#configureThreads}).
     */
    public static List<ConvTiming> timeConvLayers(ModelSpec spec, int batch, int warmup, int reps) {
        if (batch < 1 || warmup < 0 || reps < 1) {
            throw new IllegalArgumentException("batch and reps must be >= 1 and warmup >= 0, got "
                    + batch + ", " + reps + ", " + warmup);
        }
        NativeRuntime.applyThreads(NativeRuntime.requestedThreads()); // per-op timings: every op gets all threads
        NativeRuntime.ensureFloatDefaults();
        List<Placed> placed = flatten(NativeCompiler.layers(spec, DataType.FLOAT), inputShape(spec));
        List<NativeLayer> layers = placed.stream().map(Placed::layer).toList();
        List<Layer> shapes = placed.stream().map(p -> describe(p.layer(), p.in())).toList();
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

    /**
     * Every layer of the spec's model timed where it runs: the whole network (random parameters,
     * random NHWC input, a random gradient of the logits) goes forward and backward in training
     * mode, one step after another, each layer's calls timed by a wrapper ({@link TimedLayer}); the
     * optimizer and the loss are left out. Steps run {@code warmupSeconds} untimed (the JIT
     * compiles the Java-side work, e.g. dropout's masks, over seconds), then at least
     * {@code seconds} and 3 steps timed. Unlike {@link #timeConvLayers}, a layer's arrays compete
     * for the cache with the rest of the step's, as in training.
     */
    public static LayerTimes timeLayersInNetwork(ModelSpec spec, int batch, double warmupSeconds,
                                                             double seconds) {
        if (batch < 1 || !(warmupSeconds >= 0) || !(seconds > 0)) {
            throw new IllegalArgumentException("batch must be >= 1, warm-up >= 0 and seconds > 0, got " + batch
                    + ", " + warmupSeconds + ", " + seconds);
        }
        NativeRuntime.applyThreads(NativeRuntime.requestedThreads());
        NativeRuntime.ensureFloatDefaults();
        List<TimedLayer> rows = new ArrayList<>();
        List<Integer> depths = new ArrayList<>();
        List<NativeLayer> layers = new ArrayList<>();
        for (NativeLayer layer : NativeCompiler.layers(spec, DataType.FLOAT)) {
            layers.add(timed(layer, 0, rows, depths));
        }
        long numParams = layers.stream().mapToLong(NativeLayer::numParams).sum();
        Nd4j.getRandom().setSeed(spec.seed());
        INDArray params = Nd4j.randn(DataType.FLOAT, numParams).muli(0.05);
        INDArray gradients = Nd4j.create(DataType.FLOAT, numParams);
        long[] inShape = {batch, spec.height(), spec.width(), spec.channels()};
        INDArray input = Nd4j.rand(DataType.FLOAT, inShape);
        INDArray logitsGradient = Nd4j.randn(DataType.FLOAT, batch, spec.numClasses()).muli(0.01);
        INDArray gradient = logitsGradient.dup();
        try {
            long offset = 0;
            for (NativeLayer layer : layers) {
                layer.bind(params, gradients, offset);
                offset += layer.numParams();
                layer.allocate(batch);
            }
            long end = System.nanoTime() + (long) (warmupSeconds * 1e9);
            long step = 0;
            while (System.nanoTime() < end) {
                step(layers, input, gradient, logitsGradient, spec.seed(), step++, batch);
            }
            rows.forEach(TimedLayer::reset);
            long start = System.nanoTime();
            end = start + (long) (seconds * 1e9);
            int timed = 0;
            while (timed < 3 || System.nanoTime() < end) {
                step(layers, input, gradient, logitsGradient, spec.seed(), step++, batch);
                timed++;
            }
            double stepMillis = (System.nanoTime() - start) / 1e6 / timed;
            List<LayerTime> result = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                TimedLayer row = rows.get(i);
                long forward = row.forwardNanos();
                long backward = row.backwardNanos();
                if (row.layer() instanceof NativeResidual) { // its own share: less its layers' rows
                    for (int j = i + 1; j < rows.size() && depths.get(j) > depths.get(i); j++) {
                        forward -= rows.get(j).forwardNanos();
                        backward -= rows.get(j).backwardNanos();
                    }
                }
                result.add(new LayerTime(depths.get(i), describe(row.layer()),
                        shape(row.outputShape()), forward / 1e6 / timed, backward / 1e6 / timed));
            }
            return new LayerTimes(List.copyOf(result), timed, stepMillis);
        } finally {
            layers.forEach(NativeLayer::release);
            for (INDArray array : new INDArray[]{params, gradients, input, logitsGradient, gradient}) {
                NativeLayer.close(array);
            }
        }
    }

    /** One forward and backward pass; {@code gradient} is refilled from {@code logitsGradient} (layers may overwrite it). */
    private static void step(List<NativeLayer> layers, INDArray input, INDArray gradient, INDArray logitsGradient,
                             long seed, long step, int batch) {
        StepContext context = new StepContext(true, seed, 0, step, 0, batch, batch);
        INDArray x = input;
        for (NativeLayer layer : layers) {
            layer.begin(context);
            x = layer.forward(x);
        }
        gradient.assign(logitsGradient);
        INDArray g = gradient;
        for (int i = layers.size() - 1; i >= 0 && g != null; i--) {
            g = layers.get(i).backward(g);
        }
    }

    /** {@code layer} in a timing wrapper, a residual block's layers each in their own; rows in order. */
    private static NativeLayer timed(NativeLayer layer, int depth, List<TimedLayer> rows, List<Integer> depths) {
        if (layer instanceof NativeResidual block) {
            int at = rows.size();
            rows.add(null);
            depths.add(depth);
            TimedLayer row = new TimedLayer(block.withLayers(inner -> timed(inner, depth + 1, rows, depths)));
            rows.set(at, row);
            return row;
        }
        TimedLayer row = new TimedLayer(layer);
        rows.add(row);
        depths.add(depth);
        return row;
    }

    private static String describe(NativeLayer layer) {
        if (layer instanceof NativeConv conv) {
            return "conv " + conv.kernel() + "x" + conv.kernel();
        } else if (layer instanceof NativeBatchNorm bn) {
            return bn.isRelu() ? "batch norm + relu" : "batch norm";
        } else if (layer instanceof NativePool) {
            return "pool";
        } else if (layer instanceof NativeDropout) {
            return "dropout";
        } else if (layer instanceof NativeDense) {
            return "dense";
        } else if (layer instanceof NativeGlobalPool) {
            return "global avg pool";
        } else if (layer instanceof NativeResidual) {
            return "residual: add, activation";
        } else if (layer instanceof NativeActivationLayer) {
            return "activation";
        }
        return layer.getClass().getSimpleName();
    }

    /** A per-example NHWC shape as CxHxW; a feature shape as its size. */
    private static String shape(long[] shape) {
        return shape.length == 3 ? shape[2] + "x" + shape[0] + "x" + shape[1] : Long.toString(NativeLayer.size(shape));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
