package dev.sparkcnn.kernels.nativeengine;

import static dev.sparkcnn.kernels.nativeengine.KernelReferenceTest.activate;
import static dev.sparkcnn.kernels.nativeengine.KernelReferenceTest.centralDifferences;
import static dev.sparkcnn.kernels.nativeengine.KernelReferenceTest.derivative;
import static dev.sparkcnn.kernels.nativeengine.LayerHarness.assertClose;
import static dev.sparkcnn.kernels.nativeengine.LayerHarness.random;
import static dev.sparkcnn.kernels.nativeengine.LayerHarness.tolerance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.kernels.NativeRuntime;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@code native} dense layer, its activations and the softmax cross-entropy loss against naive
 * loops ({@code Math.max}, {@code 1/(1+exp(-x))}, {@code Math.tanh}, max-subtracted softmax) and
 * central finite differences.
 */
class KernelReferenceActivationTest {

    private static final double[] POINTS = {-20, -3.5, -1, -0.25, -1e-3, 0, 1e-3, 0.25, 0.5, 1, 2.75, 20};

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    /** Dense weights [out][in] ('c', the layer's view of DL4J's 'f' [in, out]) then bias [out]. */
    private static double[] identityDense(int n) {
        double[] params = new double[n * n + n];
        for (int i = 0; i < n; i++) {
            params[i * n + i] = 1;
        }
        return params;
    }

    /** Through an identity dense layer: output act(x), input gradient act'(x) g. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"RELU, FLOAT", "RELU, DOUBLE", "SIGMOID, FLOAT", "SIGMOID, DOUBLE", "TANH, FLOAT", "TANH, DOUBLE",
            "IDENTITY, FLOAT", "IDENTITY, DOUBLE"})
    void activationsMatchTheirFormulas(NativeActivation activation, DataType dataType) {
        int n = POINTS.length;
        double[] g = random(new Random(5), n);
        double[] expectedY = new double[n];
        double[] expectedDx = new double[n];
        for (int i = 0; i < n; i++) {
            expectedY[i] = activate(activation, POINTS[i]);
            expectedDx[i] = derivative(activation, POINTS[i]) * g[i];
        }
        try (LayerHarness layer = new LayerHarness(new NativeDense(dataType, new long[]{n}, n, activation), dataType,
                1, n)) {
            layer.setParams(identityDense(n));
            // the points include exact 0 (ReLU's derivative there is 0) and +-20 (saturated sigmoid and tanh)
            assertClose(expectedY, layer.forward(POINTS), tolerance(dataType), dataType + " " + activation);
            assertClose(expectedDx, layer.backward(g), tolerance(dataType), dataType + " " + activation + "'");
        }
    }

    @Test
    void activationsAreNamedCaseInsensitively() {
        assertEquals(NativeActivation.TANH, NativeActivation.of("Tanh"));
        assertEquals(NativeActivation.IDENTITY, NativeActivation.of("identity"));
        assertThrows(IllegalArgumentException.class, () -> NativeActivation.of("gelu"));
    }

    /** A dense layer on an NHWC image, flattened DL4J's way ('c' order of [c, h, w]), against naive loops. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"SIGMOID, FLOAT", "TANH, DOUBLE", "RELU, DOUBLE"})
    void denseLayerMatchesNaiveLoops(NativeActivation activation, DataType dataType) {
        int batch = 3;
        int h = 2;
        int w = 3;
        int c = 2;
        int in = h * w * c;
        int out = 4;
        Random random = new Random(13);
        double[] x = random(random, batch * in);
        double[] params = random(random, out * in + out);
        double[] g = random(random, batch * out);
        double[] expectedY = new double[batch * out];
        double[] gz = new double[batch * out];
        double[] expectedDx = new double[x.length];
        double[] expectedDp = new double[params.length];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < out; o++) {
                double z = params[out * in + o];
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < h; y++) {
                        for (int xx = 0; xx < w; xx++) {
                            int feature = (ch * h + y) * w + xx; // DL4J's NCHW flattening
                            z += params[o * in + feature] * x[n * in + (y * w + xx) * c + ch];
                        }
                    }
                }
                expectedY[n * out + o] = activate(activation, z);
                gz[n * out + o] = g[n * out + o] * derivative(activation, z);
            }
        }
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < out; o++) {
                double go = gz[n * out + o];
                expectedDp[out * in + o] += go;
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < h; y++) {
                        for (int xx = 0; xx < w; xx++) {
                            int feature = (ch * h + y) * w + xx;
                            int pixel = n * in + (y * w + xx) * c + ch;
                            expectedDx[pixel] += params[o * in + feature] * go;
                            expectedDp[o * in + feature] += x[pixel] * go;
                        }
                    }
                }
            }
        }
        try (LayerHarness layer = new LayerHarness(new NativeDense(dataType, new long[]{h, w, c}, out, activation),
                dataType, batch, h, w, c)) {
            layer.setParams(params);
            double tol = tolerance(dataType);
            assertClose(expectedY, layer.forward(x), tol, "output");
            assertClose(expectedDx, layer.backward(g), tol, "input gradient");
            assertClose(expectedDp, layer.paramGradients(), tol, "weight and bias gradient");
        }
    }

    /** Stable softmax: exp(z - max z) / sum exp(z - max z), row by row. */
    private static double[] softmax(double[] z, int classes) {
        double[] p = new double[z.length];
        for (int row = 0; row < z.length / classes; row++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, z[row * classes + k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                sum += Math.exp(z[row * classes + k] - max);
            }
            for (int k = 0; k < classes; k++) {
                p[row * classes + k] = Math.exp(z[row * classes + k] - max) / sum;
            }
        }
        return p;
    }

    /** Summed cross-entropy -sum (z_y - max - ln sum exp(z - max)), straight from the logits. */
    private static double crossEntropySum(double[] z, int[] labels, int classes) {
        double loss = 0;
        for (int row = 0; row < labels.length; row++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, z[row * classes + k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                sum += Math.exp(z[row * classes + k] - max);
            }
            loss -= z[row * classes + labels[row]] - max - Math.log(sum);
        }
        return loss;
    }

    private static double[] logits(double[] x, double[] params, int batch, int in, int classes) {
        double[] z = new double[batch * classes];
        for (int n = 0; n < batch; n++) {
            for (int k = 0; k < classes; k++) {
                double sum = params[classes * in + k];
                for (int i = 0; i < in; i++) {
                    sum += params[k * in + i] * x[n * in + i];
                }
                z[n * classes + k] = sum;
            }
        }
        return z;
    }

    /**
     * The softmax output layer and the engine's loss: probabilities and summed cross-entropy as the
     * naive stable formulas, also with logits near 800 (exp overflows without the max subtraction);
     * the gradient the network feeds back, (p - onehot) / batch, is that of the mean cross-entropy.
     */
    @ParameterizedTest(name = "{0} logit shift {1}")
    @CsvSource({"FLOAT, 0", "DOUBLE, 0", "DOUBLE, 800"})
    void softmaxCrossEntropyMatchesNaiveFormulas(DataType dataType, double shift) {
        int batch = 3;
        int in = 5;
        int classes = 4;
        int[] labels = {2, 0, 3};
        Random random = new Random(17);
        double[] x = random(random, batch * in);
        double[] params = random(random, classes * in + classes);
        for (int k = 0; k < classes; k++) {
            params[classes * in + k] += shift;
        }
        double[] z = logits(x, params, batch, in, classes);
        double[] p = softmax(z, classes);
        double[] expectedLogitGradient = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            expectedLogitGradient[i] = (p[i] - (labels[i / classes] == i % classes ? 1 : 0)) / batch;
        }
        INDArray oneHot = Nd4j.create(dataType, batch, classes);
        for (int n = 0; n < batch; n++) {
            oneHot.putScalar(n, labels[n], 1.0);
        }
        INDArray logitGradient = Nd4j.create(dataType, batch, classes);
        try (LayerHarness layer = new LayerHarness(new NativeDense(dataType, new long[]{in}, classes, true), dataType,
                batch, in)) {
            layer.setParams(params);
            double tol = tolerance(dataType);
            assertClose(p, layer.forward(x), tol, "probabilities");
            INDArray probabilities = Nd4j.createFromArray(layer.forward(x)).castTo(dataType)
                    .reshape('c', batch, classes);
            double loss = NativeNetwork.crossEntropy(probabilities, labels);
            double expectedLoss = crossEntropySum(z, labels, classes);
            assertEquals(expectedLoss, loss, tol * Math.max(1, expectedLoss), "summed cross-entropy");
            NativeNetwork.meanCrossEntropyGradient(probabilities, oneHot, logitGradient);
            assertClose(expectedLogitGradient, LayerHarness.flat(logitGradient), tol, "logit gradient");
            // d(mean loss)/dz from the loss itself, not from its known closed form
            assertClose(centralDifferences(z, v -> crossEntropySum(v, labels, classes) / batch),
                    LayerHarness.flat(logitGradient), dataType == DataType.DOUBLE ? 1e-7 : 1e-5,
                    "logit gradient vs finite differences");
        }
    }

    /** Through the production layer end to end, in double: d(mean loss)/d(input, params) by finite differences. */
    @Test
    void softmaxLayerGradientsMatchFiniteDifferences() {
        int batch = 3;
        int in = 5;
        int classes = 4;
        int[] labels = {1, 3, 1};
        Random random = new Random(19);
        double[] x = random(random, batch * in);
        double[] params = random(random, classes * in + classes);
        INDArray oneHot = Nd4j.create(DataType.DOUBLE, batch, classes);
        for (int n = 0; n < batch; n++) {
            oneHot.putScalar(n, labels[n], 1.0);
        }
        try (LayerHarness layer = new LayerHarness(new NativeDense(DataType.DOUBLE, new long[]{in}, classes, true),
                DataType.DOUBLE, batch, in)) {
            java.util.function.ToDoubleFunction<double[]> meanLoss = v -> NativeNetwork.crossEntropy(
                    Nd4j.createFromArray(layer.forward(v)).reshape('c', batch, classes), labels) / batch;
            layer.setParams(params);
            INDArray probabilities = Nd4j.createFromArray(layer.forward(x)).reshape('c', batch, classes);
            INDArray logitGradient = Nd4j.create(DataType.DOUBLE, batch, classes);
            NativeNetwork.meanCrossEntropyGradient(probabilities, oneHot, logitGradient);
            double[] dx = layer.backward(LayerHarness.flat(logitGradient));
            double[] dp = layer.paramGradients();
            assertClose(centralDifferences(x, meanLoss), dx, 1e-7, "input gradient");
            assertClose(centralDifferences(params, q -> {
                layer.setParams(q);
                return meanLoss.applyAsDouble(x);
            }), dp, 1e-7, "weight and bias gradient");
            assertTrue(maxAbs(dp) > 1e-3, "the gradient is not trivially zero");
        }
    }

    private static double maxAbs(double[] values) {
        double max = 0;
        for (double v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
