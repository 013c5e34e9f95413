package dev.sparkcnn.kernels.nativeengine;

import dev.sparkcnn.kernels.KernelBench;
import dev.sparkcnn.kernels.NativeRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Training speed of vgg-bn and resnet20 stacked by hand from the native layers (as
 * {@code pytorch_reference.py} defines them), before definitions compile to layers: full steps
 * (forward, backward, Adam on the flat buffer) at batch 64 on random data, the batch cut into
 * {@code slices} run on their own threads with an equal share of the native threads, as
 * {@code bench kernels} runs engine native. Prints images/s and training GFLOPS / GEMM GFLOPS.
 *
 * <p>Run: {@code java -cp ... dev.sparkcnn.kernels.nativeengine.LayerStackBench [threads] [slices] [seconds]}.
 */
public final class LayerStackBench {

    private static final int BATCH = 64;
    private static final DataType F = DataType.FLOAT;

    private LayerStackBench() {
    }

    /** Layers plus their forward FLOPs per image (convolutions and dense layers, as bench kernels counts). */
    static final class Net {
        final List<NativeLayer> layers = new ArrayList<>();
        long[] shape;
        long flops;

        Net(long[] in) {
            shape = in;
        }

        Net conv(int out, int kernel, int stride, int padding, boolean bias, boolean first) {
            NativeConv conv = new NativeConv(F, shape, new NativeConv.Spec(out, kernel, stride, padding, false, bias,
                    NativeActivation.IDENTITY), !first);
            long[] o = conv.outputShape();
            flops += 2L * o[0] * o[1] * o[2] * shape[2] * kernel * kernel;
            return add(conv);
        }

        Net bn(NativeActivation activation) {
            return add(new NativeBatchNorm(F, shape, 0.9, 1e-5, activation));
        }

        /** 2x2 max-pooling; after a ReLU batch norm it does the ReLU's backward, as the compile step does for convolutions. */
        Net maxPool() {
            NativePool pool = new NativePool(F, shape, 2);
            if (layers.get(layers.size() - 1) instanceof NativeBatchNorm norm && norm.isRelu()) {
                norm.leaveReluToPooling();
                pool.takeOverReluOfInput();
            }
            return add(pool);
        }

        Net dropout(double rate) {
            return add(new NativeDropout(F, shape, rate));
        }

        Net dense(int units, boolean softmax) {
            flops += 2L * NativeLayer.size(shape) * units;
            return add(softmax ? new NativeDense(F, shape, units, true)
                    : new NativeDense(F, shape, units, NativeActivation.IDENTITY));
        }

        Net add(NativeLayer layer) {
            layers.add(layer);
            shape = layer.outputShape();
            return this;
        }
    }

    static Net vggBn(int channels, int side) {
        Net net = new Net(new long[]{side, side, channels});
        int in = channels;
        for (int out : new int[]{32, 64, 128}) {
            net.conv(out, 3, 1, 1, true, in == channels).bn(NativeActivation.RELU)
                    .conv(out, 3, 1, 1, true, false).bn(NativeActivation.RELU).maxPool().dropout(0.25);
            in = out;
        }
        return net.dense(128, false).bn(NativeActivation.RELU).dropout(0.5).dense(10, true);
    }

    static Net resnet20(int channels, int side) {
        Net net = new Net(new long[]{side, side, channels});
        net.conv(16, 3, 1, 1, false, true).bn(NativeActivation.RELU);
        int in = 16;
        for (int[] stage : new int[][]{{16, 1}, {32, 2}, {64, 2}}) {
            for (int b = 0; b < 3; b++) {
                int stride = b == 0 ? stage[1] : 1;
                int out = stage[0];
                Net main = new Net(net.shape).conv(out, 3, stride, 1, false, false).bn(NativeActivation.RELU)
                        .conv(out, 3, 1, 1, false, false).bn(NativeActivation.IDENTITY);
                Net shortcut = new Net(net.shape);
                if (stride != 1 || in != out) {
                    shortcut.conv(out, 1, stride, 0, false, false).bn(NativeActivation.IDENTITY);
                }
                net.flops += main.flops + shortcut.flops;
                net.add(new NativeResidual(F, net.shape, main.layers, shortcut.layers, NativeActivation.RELU));
                in = out;
            }
        }
        net.add(new NativeGlobalPool(F, net.shape));
        return net.dense(10, true);
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int slices = args.length > 1 ? Integer.parseInt(args[1]) : threads;
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 8;
        String only = args.length > 3 ? args[3] : "";
        NativeRuntime.configureThreads(threads);
        NativeRuntime.ensureFloatDefaults();
        double gemm = 2.0 * 2048 * 2048 * 2048 / KernelBench.timeGemm(2048, 3, 10) / 1e9;
        System.out.printf(Locale.ROOT, "threads %d, slices %d, batch %d, %.0f s timed; GEMM %.1f GFLOPS%n", threads,
                slices, BATCH, seconds, gemm);
        Object[][] rows = {{"vgg-bn", 3, 32}, {"vgg-bn", 1, 28}, {"resnet20", 3, 32}};
        for (Object[] row : rows) {
            String name = (String) row[0];
            if (!only.isEmpty() && !(name + row[1] + "x" + row[2]).startsWith(only)) {
                continue;
            }
            int c = (Integer) row[1];
            int side = (Integer) row[2];
            double rate = imagesPerSecond(name, c, side, threads, slices, seconds);
            long flops = build(name, c, side).flops;
            double train = rate * 3.0 * flops / 1e9;
            NativeRuntime.configureThreads(threads);
            double gemmAfter = 2.0 * 2048 * 2048 * 2048 / KernelBench.timeGemm(2048, 3, 10) / 1e9;
            System.out.printf(Locale.ROOT, "%-9s %dx%dx%d  %7.0f images/s  fwd %.1f MF/img  train %.1f GF/s  "
                    + "GEMM %.1f  /mm %.3f%n", name, c, side, side, rate, flops / 1e6, train, gemmAfter,
                    train / gemmAfter);
        }
    }

    private static void printProfile(LayerStack stack) {
        long total = 0;
        for (int i = 0; i < stack.layers().size(); i++) {
            total += stack.forwardNanos[i] + stack.backwardNanos[i];
        }
        long[] in = null;
        for (int i = 0; i < stack.layers().size(); i++) {
            NativeLayer layer = stack.layers().get(i);
            System.out.printf(Locale.ROOT, "  %2d %-22s %-14s fwd %5.1f%%  bwd %5.1f%%%n", i,
                    layer.getClass().getSimpleName(), java.util.Arrays.toString(layer.outputShape()),
                    100.0 * stack.forwardNanos[i] / total, 100.0 * stack.backwardNanos[i] / total);
        }
    }

    static Net build(String name, int channels, int side) {
        return name.equals("vgg-bn") ? vggBn(channels, side) : resnet20(channels, side);
    }

    static double imagesPerSecond(String name, int channels, int side, int threads, int slices, double seconds)
            throws Exception {
        List<LayerStack> stacks = new ArrayList<>();
        long n = LayerStack.numParams(build(name, channels, side).layers);
        INDArray params = Nd4j.rand(F, n).subi(0.5).muli(0.1);
        INDArray state = Nd4j.create(F, 2 * n);
        List<INDArray> gradients = new ArrayList<>();
        int rows = BATCH / slices;
        INDArray[] inputs = new INDArray[slices];
        int[][] labels = new int[slices][rows];
        for (int s = 0; s < slices; s++) {
            gradients.add(Nd4j.create(F, n));
            stacks.add(new LayerStack(F, new long[]{side, side, channels}, build(name, channels, side).layers, params,
                    gradients.get(s)));
            inputs[s] = Nd4j.rand(F, rows, side, side, channels);
            for (int r = 0; r < rows; r++) {
                labels[s][r] = (r * 7 + s) % 10;
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(slices);
        int share = Math.max(1, threads / slices);
        try {
            long[] step = {0};
            Runnable fit = () -> {
                List<Future<?>> done = new ArrayList<>();
                for (int s = 0; s < slices; s++) {
                    int slice = s;
                    done.add(pool.submit(() -> {
                        NativeRuntime.applyThreads(share);
                        LayerStack stack = stacks.get(slice);
                        stack.begin(new StepContext(true, 1, 0, step[0], slice * rows, rows, BATCH));
                        stack.forwardBackward(inputs[slice], labels[slice]);
                    }));
                }
                for (Future<?> f : done) {
                    try {
                        f.get();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                for (int s = 1; s < slices; s++) {
                    gradients.get(0).addi(gradients.get(s));
                }
                Nd4j.exec(new AdamUpdater(gradients.get(0), state.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(n, 2 * n)),
                        state.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n)), 1e-3,
                        Adam.DEFAULT_ADAM_BETA1_MEAN_DECAY, Adam.DEFAULT_ADAM_BETA2_VAR_DECAY,
                        Adam.DEFAULT_ADAM_EPSILON, (int) step[0]));
                params.subi(gradients.get(0));
                step[0]++;
            };
            long warm = System.nanoTime();
            long warmSteps;
            while (step[0] < 3 || System.nanoTime() - warm < seconds * 1e9) {
                fit.run();
            }
            warmSteps = step[0];
            long t0 = System.nanoTime();
            long steps = 0;
            long elapsed;
            do {
                fit.run();
                steps++;
                elapsed = System.nanoTime() - t0;
            } while (elapsed < seconds * 1e9);
            if (System.getProperty("profile") != null) {
                long layerNanos = java.util.stream.LongStream.of(stacks.get(0).forwardNanos).sum()
                        + java.util.stream.LongStream.of(stacks.get(0).backwardNanos).sum();
                System.out.printf(Locale.ROOT, "  slice 0's layers: %.1f ms per step (over all %d steps); "
                        + "timed steps: %.1f ms each%n", layerNanos / 1e6 / (warmSteps + steps), warmSteps + steps,
                        elapsed / 1e6 / steps);
                printProfile(stacks.get(0));
            }
            return steps * BATCH / (elapsed / 1e9);
        } finally {
            pool.shutdownNow();
            for (LayerStack stack : stacks) {
                stack.close();
            }
        }
    }
}
