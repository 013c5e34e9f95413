package dev.sparkcnn.kernels.nativeengine;

import static dev.sparkcnn.kernels.nativeengine.KernelReferenceTest.activate;
import static dev.sparkcnn.kernels.nativeengine.KernelReferenceTest.centralDifferences;
import static dev.sparkcnn.kernels.nativeengine.KernelReferenceTest.derivative;
import static dev.sparkcnn.kernels.nativeengine.LayerHarness.assertClose;
import static dev.sparkcnn.kernels.nativeengine.LayerHarness.random;
import static dev.sparkcnn.kernels.nativeengine.LayerHarness.tolerance;

import dev.sparkcnn.kernels.NativeRuntime;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@link NativeBatchNorm} against the textbook formulas as naive loops over {@code [rows, channels]}:
 * training (batch statistics, the full gradient through them, the running statistics' update) and
 * inference (running statistics as constants), NHWC and flat inputs, with and without a fused
 * activation, in float and double; plus finite differences of the training-mode layer.
 */
class KernelReferenceBatchNormTest {

    private static final double MOMENTUM = 0.9;
    private static final double EPSILON = 1e-5;

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    /** The expected output, input gradient and parameter gradients (gamma, beta, then zeros for the running ones). */
    record Expected(double[] y, double[] dx, double[] dp) {
    }

    /** params: gamma[c], beta[c], running mean[c], running var[c]. */
    static Expected reference(double[] x, double[] params, double[] g, int channels, boolean training,
                              NativeActivation activation) {
        int rows = x.length / channels;
        double[] mean = new double[channels];
        double[] var = new double[channels];
        for (int c = 0; c < channels; c++) {
            if (training) {
                for (int r = 0; r < rows; r++) {
                    mean[c] += x[r * channels + c] / rows;
                }
                for (int r = 0; r < rows; r++) {
                    double d = x[r * channels + c] - mean[c];
                    var[c] += d * d / rows;
                }
            } else {
                mean[c] = params[2 * channels + c];
                var[c] = params[3 * channels + c];
            }
        }
        double[] y = new double[x.length];
        double[] gz = new double[x.length];
        double[] xhat = new double[x.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < channels; c++) {
                int i = r * channels + c;
                xhat[i] = (x[i] - mean[c]) / Math.sqrt(var[c] + EPSILON);
                double z = params[c] * xhat[i] + params[channels + c];
                y[i] = activate(activation, z);
                gz[i] = g[i] * derivative(activation, z);
            }
        }
        double[] dp = new double[4 * channels];
        double[] dx = new double[x.length];
        for (int c = 0; c < channels; c++) {
            double sg = 0;
            double sgx = 0;
            for (int r = 0; r < rows; r++) {
                sg += gz[r * channels + c];
                sgx += gz[r * channels + c] * xhat[r * channels + c];
            }
            dp[c] = sgx;
            dp[channels + c] = sg;
            double k = params[c] / Math.sqrt(var[c] + EPSILON);
            for (int r = 0; r < rows; r++) {
                int i = r * channels + c;
                dx[i] = training ? k * (gz[i] - sg / rows - xhat[i] * sgx / rows) : k * gz[i];
            }
        }
        return new Expected(y, dx, dp);
    }

    static double[] params(Random random, int channels) {
        double[] p = new double[4 * channels];
        for (int c = 0; c < channels; c++) {
            p[c] = 0.5 + random.nextDouble();                   // gamma
            p[channels + c] = random.nextDouble() - 0.5;        // beta
            p[2 * channels + c] = 0.3 * (random.nextDouble() - 0.5); // running mean
            p[3 * channels + c] = 0.5 + random.nextDouble();    // running variance
        }
        return p;
    }

    @ParameterizedTest(name = "{0} training={1} {2} shape {3}")
    @CsvSource({
            "FLOAT, true, IDENTITY, 3x4x5", "DOUBLE, true, IDENTITY, 3x4x5",
            "FLOAT, true, RELU, 3x4x5", "DOUBLE, true, RELU, 2x2x3",
            "FLOAT, false, IDENTITY, 3x4x5", "DOUBLE, false, RELU, 3x4x5",
            "FLOAT, true, RELU, 7", "DOUBLE, true, TANH, 7", "DOUBLE, false, IDENTITY, 7",
            // one whole channel block (AVX-512's 16, AVX2's 8): oneDNN is told the blocked layout, the same bytes
            "FLOAT, true, RELU, 3x5x16", "FLOAT, true, IDENTITY, 3x5x16", "FLOAT, false, RELU, 3x5x16",
            "FLOAT, true, RELU, 3x5x8", "FLOAT, false, IDENTITY, 3x5x8",
    })
    void batchNormMatchesTheFormulas(DataType dataType, boolean training, NativeActivation activation, String dims) {
        long[] shape = Arrays.stream(dims.split("x")).mapToLong(Long::parseLong).toArray();
        int channels = (int) shape[shape.length - 1];
        int batch = 4;
        int n = (int) (batch * NativeLayer.size(shape));
        Random random = new Random(37 + n);
        double[] params = params(random, channels);
        // float: through oneDNN called directly, then through libnd4j's ops; double: the ops
        for (boolean direct : dataType == DataType.FLOAT ? new boolean[]{true, false} : new boolean[]{false}) {
            String path = dataType + (direct ? " oneDNN" : " ops");
            NativeBatchNorm layer = new NativeBatchNorm(dataType, shape, MOMENTUM, EPSILON, activation);
            java.util.function.Supplier<LayerHarness> build = () -> new LayerHarness(layer, dataType, batch, shape);
            try (LayerHarness harness = direct ? build.get() : Dnnl.turnedOffHere(build)) {
                org.junit.jupiter.api.Assertions.assertEquals(direct, layer.callsOneDnn(), path);
                harness.setParams(params);
                // a slice of rows [4, 8) of a batch of 10: it leaves the running statistics to the first slice
                layer.begin(new StepContext(training, 1, 0, 0, 4, batch, 10));
                double tol = tolerance(dataType);
                for (int step = 0; step < 2; step++) { // the second step reuses every prepared op
                    double[] x = random(random, n);
                    for (int i = 0; i < n; i++) {
                        x[i] = 2 * x[i] + 0.7; // a mean away from 0
                    }
                    double[] g = random(random, n);
                    Expected expected = reference(x, params, g, channels, training, activation);
                    assertClose(expected.y(), harness.forward(x), tol, path + " output");
                    assertClose(expected.dx(), harness.backward(g), tol, path + " input gradient");
                    assertClose(expected.dp(), harness.paramGradients(), tol,
                            path + " gamma, beta and (zero) running-statistics gradients");
                    assertClose(params, harness.params(), tol, path + " parameters untouched by this slice");
                }
            }
        }
    }

    /**
     * A training forward pass of the slice holding row 0 moves the running statistics to
     * {@code momentum * running + (1 - momentum) * batch} (biased batch variance), which inference
     * then uses; the backward pass leaves their gradient positions at zero.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"FLOAT", "DOUBLE"})
    void aTrainingForwardMovesTheRunningStatistics(DataType dataType) {
        int channels = 3;
        int batch = 5;
        Random random = new Random(41);
        double[] params = params(random, channels);
        double[] x = random(random, batch * channels);
        NativeBatchNorm layer = new NativeBatchNorm(dataType, new long[]{channels}, MOMENTUM, EPSILON,
                NativeActivation.IDENTITY);
        try (LayerHarness harness = new LayerHarness(layer, dataType, batch, channels)) {
            harness.setParams(params);
            layer.begin(new StepContext(true, 1, 0, 0, 0, batch, 2 * batch));
            harness.forward(x);
            harness.backward(random(random, x.length));
            double[] moved = params.clone();
            for (int c = 0; c < channels; c++) {
                double mean = 0;
                for (int r = 0; r < batch; r++) {
                    mean += x[r * channels + c] / batch;
                }
                double var = 0;
                for (int r = 0; r < batch; r++) {
                    var += Math.pow(x[r * channels + c] - mean, 2) / batch;
                }
                moved[2 * channels + c] = MOMENTUM * params[2 * channels + c] + (1 - MOMENTUM) * mean;
                moved[3 * channels + c] = MOMENTUM * params[3 * channels + c] + (1 - MOMENTUM) * var;
            }
            double tol = tolerance(dataType);
            assertClose(moved, harness.params(), tol, "parameters after one training forward");
            double[] slots = harness.paramGradients();
            assertClose(new double[2 * channels], Arrays.copyOfRange(slots, 2 * channels, 4 * channels), 0,
                    "running-statistics gradient positions");
            layer.begin(StepContext.INFERENCE);
            Expected inference = reference(x, moved, new double[x.length], channels, false, NativeActivation.IDENTITY);
            assertClose(inference.y(), harness.forward(x), tol, "inference with the moved statistics");
            assertClose(moved, harness.params(), tol, "inference leaves the statistics alone");
        }
    }

    /** Bound at an offset in the flat buffers (as in a network), it reads and writes only its own values there. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"FLOAT", "DOUBLE"})
    void batchNormBoundAtAnOffsetWritesItsOwnValues(DataType dataType) {
        int channels = 4;
        int batch = 3;
        int offset = 7;
        long[] shape = {2, 2, channels};
        Random random = new Random(61);
        double[] own = params(random, channels);
        double[] x = random(random, batch * 16);
        double[] g = random(random, x.length);
        Expected expected = reference(x, own, g, channels, true, NativeActivation.IDENTITY);
        double[] flat = new double[offset + own.length + 5];
        java.util.Arrays.fill(flat, 9);
        System.arraycopy(own, 0, flat, offset, own.length);
        org.nd4j.linalg.api.ndarray.INDArray params = org.nd4j.linalg.factory.Nd4j.createFromArray(flat).castTo(dataType);
        org.nd4j.linalg.api.ndarray.INDArray gradients = org.nd4j.linalg.factory.Nd4j.create(dataType, flat.length)
                .assign(5);
        NativeBatchNorm layer = new NativeBatchNorm(dataType, shape, MOMENTUM, EPSILON, NativeActivation.IDENTITY);
        layer.bind(params, gradients, offset);
        layer.allocate(batch);
        try {
            org.nd4j.linalg.api.ndarray.INDArray in = org.nd4j.linalg.factory.Nd4j.createFromArray(x).castTo(dataType)
                    .reshape('c', batch, 2, 2, channels);
            double[] y = LayerHarness.flat(layer.forward(in));
            double[] dx = LayerHarness.flat(layer.backward(org.nd4j.linalg.factory.Nd4j.createFromArray(g)
                    .castTo(dataType).reshape('c', batch, 2, 2, channels)));
            double tol = tolerance(dataType);
            assertClose(expected.y(), y, tol, "output");
            assertClose(expected.dx(), dx, tol, "input gradient");
            double[] p = params.toDoubleVector();
            double[] d = gradients.toDoubleVector();
            assertClose(expected.dp(), Arrays.copyOfRange(d, offset, offset + own.length), tol, "its gradients");
            double[] moved = Arrays.copyOf(own, own.length);
            int rows = x.length / channels;
            for (int c = 0; c < channels; c++) {
                double mean = 0;
                double var = 0;
                for (int r = 0; r < rows; r++) {
                    mean += x[r * channels + c] / rows;
                }
                for (int r = 0; r < rows; r++) {
                    var += Math.pow(x[r * channels + c] - mean, 2) / rows;
                }
                moved[2 * channels + c] = MOMENTUM * own[2 * channels + c] + (1 - MOMENTUM) * mean;
                moved[3 * channels + c] = MOMENTUM * own[3 * channels + c] + (1 - MOMENTUM) * var;
            }
            assertClose(moved, Arrays.copyOfRange(p, offset, offset + own.length), tol,
                    "gamma and beta kept, running statistics moved");
            for (int i : new int[]{0, offset - 1, offset + own.length, flat.length - 1}) {
                assertClose(new double[]{9, 5}, new double[]{p[i], d[i]}, 0, "value " + i + " outside the layer");
            }
        } finally {
            layer.release();
        }
    }

    @ParameterizedTest(name = "training={0}")
    @CsvSource({"true", "false"})
    void batchNormGradientsMatchFiniteDifferences(boolean training) {
        long[] shape = {2, 3, 3};
        int channels = 3;
        int batch = 2;
        int n = batch * 18;
        Random random = new Random(43);
        double[] params = params(random, channels);
        double[] x = random(random, n);
        double[] g = random(random, n);
        NativeBatchNorm layer = new NativeBatchNorm(DataType.DOUBLE, shape, MOMENTUM, EPSILON, NativeActivation.TANH);
        try (LayerHarness harness = new LayerHarness(layer, DataType.DOUBLE, batch, shape)) {
            layer.begin(training ? StepContext.TRAINING : StepContext.INFERENCE);
            harness.setParams(params);
            harness.forward(x);
            double[] dx = harness.backward(g);
            double[] dp = Arrays.copyOf(harness.paramGradients(), 2 * channels); // gamma and beta: the trained ones
            assertClose(centralDifferences(x, v -> {
                harness.setParams(params);
                return harness.probe(v, g);
            }), dx, 1e-7, "input gradient");
            double[] trained = Arrays.copyOf(params, 2 * channels);
            assertClose(centralDifferences(trained, p -> {
                double[] all = params.clone();
                System.arraycopy(p, 0, all, 0, p.length);
                harness.setParams(all);
                return harness.probe(x, g);
            }), dp, 1e-7, "gamma and beta gradients");
        }
    }
}
