package dev.sparkcnn.driver.bench;

import dev.sparkcnn.driver.bench.KernelFlops.Workload;
import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.KernelBench;
import dev.sparkcnn.kernels.KernelBench.ConvTiming;
import dev.sparkcnn.kernels.KernelBench.Layer;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code sparkcnn bench kernels}, in one process on the calling thread: the machine, FP32 GEMM
 * GFLOPS, per-layer convolution GFLOPS on engine {@code native}, and whole-network training
 * images/s and GFLOPS per engine, all as ratios of the measured GEMM figure.
 *
 * @param threads native threads for this thread's work
 * @param models  catalogue models, in order
 * @param engines engine names, in order
 * @param seconds timed seconds per training row (and per model's layer times), after a warm-up as long
 * @param layerTimes also time every layer in place, in a whole forward and backward pass (engine native)
 */
public record KernelsBenchmark(int threads, List<String> models, List<String> engines, double seconds,
                               boolean layerTimes) {

    public static final int BATCH = 64;
    static final int GEMM_N = 2048;
    static final int GEMM_WARMUP = 3;
    static final int GEMM_REPS = 10;
    static final int CONV_WARMUP = 3;
    static final int CONV_REPS = 20;
    private static final int BATCHES = 4;

    public void run(PrintWriter out) {
        NativeRuntime.configureThreads(threads);
        printMachine(out);

        double gemm = gemmGflops();
        out.printf("%nFP32 GEMM: Nd4j.gemm %dx%d float, %d warm-up + %d timed reps: %.1f ms each, %.1f GFLOPS "
                + "(measured again after each training row)%n", GEMM_N, GEMM_N, GEMM_WARMUP, GEMM_REPS,
                2.0 * GEMM_N * GEMM_N * GEMM_N / gemm / 1e6, gemm);
        if (NativeRuntime.hasOneDnn()) {
            // seen with DNNL_VERBOSE=1: "exec,cpu,matmul,gemm:jit,...,2048x2048:2048x2048"
            out.println("  (with oneDNN natives Nd4j.gemm runs oneDNN's matmul, not OpenBLAS: OPENBLAS_CORETYPE does "
                    + "not apply to it; DNNL_VERBOSE=1 shows the kernels)");
        }
        out.flush();

        List<Workload> workloads = new ArrayList<>();
        models.forEach(m -> workloads.addAll(KernelFlops.workloads(m)));
        printConvLayers(out, workloads, gemm);
        if (layerTimes) {
            printLayerTimes(out, workloads);
        }
        printTraining(out, workloads);
    }

    private void printLayerTimes(PrintWriter out, List<Workload> workloads) {
        out.printf("%nLayer times in the network, engine native, batch %d: forward and backward of every layer in "
                + "a whole training pass (no loss, no optimizer), mean of the steps in %.1f s after a %.1f s warm-up%n",
                BATCH, seconds, seconds);
        out.println("  a residual block's row is its own share (the addition, the activation, gradient copies); its "
                + "layers follow, indented");
        String format = "%-11s %-8s %-28s %-12s %8s %8s%n";
        out.printf(format, "model", "input", "layer", "out (CxHxW)", "fwd ms", "bwd ms");
        for (Workload w : workloads) {
            KernelBench.LayerTimes times = KernelBench.timeLayersInNetwork(w.spec(), BATCH, seconds, seconds);
            Map<String, double[]> byLayer = new LinkedHashMap<>();
            for (KernelBench.LayerTime t : times.layers()) {
                out.printf(format, w.model(), w.input(), "  ".repeat(t.depth()) + t.layer(), t.outShape(),
                        String.format("%.2f", t.forwardMillis()), String.format("%.2f", t.backwardMillis()));
                double[] sum = byLayer.computeIfAbsent(t.layer(), k -> new double[1]);
                sum[0] += t.forwardMillis() + t.backwardMillis();
            }
            StringBuilder totals = new StringBuilder();
            byLayer.forEach((layer, ms) -> totals.append(totals.length() == 0 ? "" : ", ")
                    .append(layer).append(String.format(" %.1f", ms[0])));
            out.printf("%-11s %-8s step %.1f ms (%d steps): %s%n", w.model(), w.input(), times.stepMillis(),
                    times.steps(), totals);
            out.flush();
        }
    }

    private void printMachine(PrintWriter out) {
        int pool = KernelBench.libnd4jPoolThreads();
        out.printf("sparkcnn bench kernels: one process, no Spark, float32, batch %d, %d thread(s)%n", BATCH, threads);
        out.printf("machine: %d cores; Java %s (%s); OPENBLAS_CORETYPE=%s; OMP_NUM_THREADS=%s; MALLOC_ARENA_MAX=%s; "
                + "GLIBC_TUNABLES=%s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("java.vm.name"), env("OPENBLAS_CORETYPE"), env("OMP_NUM_THREADS"),
                env("MALLOC_ARENA_MAX"), env("GLIBC_TUNABLES"));
        out.println("native: " + NativeRuntime.describe());
        if (threads > pool) {
            out.printf("WARNING: --threads %d exceeds libnd4j's thread pool of %d (fixed when it loaded, from "
                    + "OMP_NUM_THREADS); libnd4j's own loops use at most %d; start with OMP_NUM_THREADS=%d%n",
                    threads, pool, pool, threads);
        }
        out.flush();
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value == null ? "(unset)" : value;
    }

    private static void printConvLayers(PrintWriter out, List<Workload> workloads, double gemm) {
        out.printf("%nConv layers, engine native, batch %d, all threads per op, median of %d reps after %d "
                + "warm-up%n", BATCH, CONV_REPS, CONV_WARMUP);
        out.println("  activations laid out as the network hands them on: NHWC, or oneDNN's blocked layout when every "
                + "layer runs blocked (the engine line under the training rows says which)");
        out.println("  forward and backward: oneDNN's primitives called directly for float (Winograd where the engine "
                + "line says), else libnd4j's conv2d + ReLU and ReLU mask + conv2d_bp (the ReLU both ways left to the "
                + "max-pooling after the layer, if any; a first layer without oneDNN: window columns + gemm)");
        out.println("  FLOPs: forward 2*N*Hout*Wout*Cout*Cin*k*k; backward 2x forward (input + weight gradients), "
                + "1x for the first layer");
        String format = "%-11s %-8s %-6s %-24s %8s %8s %7s %8s %8s %7s%n";
        out.printf(format, "model", "input", "layer", "shape (CxHxW)", "fwd ms", "fwd GF/s", "fwd/mm",
                "bwd ms", "bwd GF/s", "bwd/mm");
        for (Workload w : workloads) {
            List<ConvTiming> timings = KernelBench.timeConvLayers(w.spec(), BATCH, CONV_WARMUP, CONV_REPS);
            int index = 0;
            for (ConvTiming t : timings) {
                Layer l = t.layer();
                double fwd = (double) KernelFlops.forward(l) * t.batch() / t.forwardSeconds() / 1e9;
                // the first layer computes no input gradient: its backward does the forward's FLOPs once
                long backwardFlops = index == 0 ? KernelFlops.forward(l) : KernelFlops.backward(l);
                double bwd = (double) backwardFlops * t.batch() / t.backwardSeconds() / 1e9;
                String shape = l.inChannels() + "x" + l.inHeight() + "x" + l.inWidth() + "->" + l.outChannels() + "x"
                        + l.outHeight() + "x" + l.outWidth() + " k" + l.kernel();
                out.printf(format, w.model(), w.input(), "conv" + (++index), shape,
                        String.format("%.2f", t.forwardSeconds() * 1e3), String.format("%.1f", fwd),
                        String.format("%.2f", fwd / gemm), String.format("%.2f", t.backwardSeconds() * 1e3),
                        String.format("%.1f", bwd), String.format("%.2f", bwd / gemm));
            }
            out.flush();
        }
    }

    private void printTraining(PrintWriter out, List<Workload> workloads) {
        out.printf("%nWhole-network training: Network.fit on %d prebuilt random batches of %d, %.1f s warm-up then "
                + "%.1f s timed per row%n", BATCHES, BATCH, seconds, seconds);
        out.println("  training FLOPs/image = 3 x forward (conv + dense); /mm = training GFLOPS / the GEMM GFLOPS "
                + "measured right after the row");
        out.println("  (the warm-up is as long as the timed part: the JVM takes several seconds to compile ND4J's op "
                + "dispatch, cifar-cnn trains 1.3-1.5x faster after 7 s than in its first seconds)");
        for (String engine : engines) {
            for (Workload w : workloads) {
                out.println("  engine " + engine + ", " + w.model() + " " + w.input() + ": "
                        + NetworkFactory.describeThreads(engine, w.spec(), BATCH, threads));
            }
        }
        String format = "%-11s %-8s %-7s %10s %10s %12s %9s %7s%n";
        out.printf(format, "model", "input", "engine", "images/s", "fwd MF/img", "train GF/s", "GEMM GF/s", "/mm");
        for (Workload w : workloads) {
            long forward = KernelFlops.forward(KernelBench.layers(w.spec()));
            for (String engine : engines) {
                double rate = imagesPerSecond(w.spec(), engine);
                NativeRuntime.configureThreads(threads); // the engine may have changed this thread's settings
                double gemm = gemmGflops();
                double train = rate * 3.0 * forward / 1e9;
                out.printf(format, w.model(), w.input(), engine, String.format("%.0f", rate),
                        String.format("%.2f", forward / 1e6), String.format("%.1f", train),
                        String.format("%.1f", gemm), String.format("%.3f", train / gemm));
                out.flush();
            }
        }
    }

    private static double gemmGflops() {
        return 2.0 * GEMM_N * GEMM_N * GEMM_N / KernelBench.timeGemm(GEMM_N, GEMM_WARMUP, GEMM_REPS) / 1e9;
    }

    /** Images per second of a plain fit loop, after a warm-up of at least 3 steps and {@code seconds}. */
    private double imagesPerSecond(ModelSpec spec, String engine) {
        Batch[] batches = randomBatches(spec);
        try (Network network = NetworkFactory.create(spec, engine)) {
            long timedNanos = (long) (seconds * 1e9);
            long start = System.nanoTime();
            for (int step = 0; step < 3 || System.nanoTime() - start < timedNanos; step++) {
                network.fit(batches[step % BATCHES]);
            }
            long steps = 0;
            long t0 = System.nanoTime();
            long elapsed;
            do {
                network.fit(batches[(int) (steps++ % BATCHES)]);
                elapsed = System.nanoTime() - t0;
            } while (elapsed < timedNanos);
            return steps * BATCH / (elapsed / 1e9);
        }
    }

    private static Batch[] randomBatches(ModelSpec spec) {
        Random random = new Random(spec.seed());
        Batch[] batches = new Batch[BATCHES];
        for (int b = 0; b < BATCHES; b++) {
            float[] features = new float[BATCH * spec.imageSize()];
            for (int i = 0; i < features.length; i++) {
                features[i] = random.nextFloat();
            }
            int[] labels = new int[BATCH];
            for (int i = 0; i < BATCH; i++) {
                labels[i] = random.nextInt(spec.numClasses());
            }
            batches[b] = new Batch(features, labels, BATCH);
        }
        return batches;
    }
}
