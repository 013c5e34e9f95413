package dev.sparkcnn.kernels.nativeengine;

import static dev.sparkcnn.kernels.nativeengine.LayerHarness.assertClose;
import static dev.sparkcnn.kernels.nativeengine.LayerHarness.random;
import static dev.sparkcnn.kernels.nativeengine.LayerHarness.tolerance;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sparkcnn.kernels.NativeRuntime;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@code native} convolution and pooling layers against the naive loops the CNN tutorials write
 * in numpy: forward values and all gradients, NHWC, on small odd-sized inputs, in float (the oneDNN
 * path) and double (libnd4j's generic path); plus central finite differences in double.
 */
class KernelReferenceTest {

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    /** A convolution's geometry and the naive loops over it; weights [out][in][k][k] after the bias, as the layer. */
    record Conv(int batch, int height, int width, int in, int out, int kernel, int stride, int padding, boolean same) {

        int outHeight() {
            return same ? (height + stride - 1) / stride : (height + 2 * padding - kernel) / stride + 1;
        }

        int outWidth() {
            return same ? (width + stride - 1) / stride : (width + 2 * padding - kernel) / stride + 1;
        }

        /** Zeros above/left of the image: 'same' puts the smaller half of the total padding there. */
        int padTop() {
            return same ? Math.max((outHeight() - 1) * stride + kernel - height, 0) / 2 : padding;
        }

        int padLeft() {
            return same ? Math.max((outWidth() - 1) * stride + kernel - width, 0) / 2 : padding;
        }

        int numParams() {
            return out + out * in * kernel * kernel;
        }

        int x(int n, int y, int x, int c) {
            return ((n * height + y) * width + x) * in + c;
        }

        int y(int n, int y, int x, int o) {
            return ((n * outHeight() + y) * outWidth() + x) * out + o;
        }

        int w(int o, int c, int ky, int kx) {
            return out + ((o * in + c) * kernel + ky) * kernel + kx;
        }

        /** z[n][oy][ox][o] = b[o] + sum x[n][oy s - pt + ky][ox s - pl + kx][c] w[o][c][ky][kx], zeros outside. */
        double[] forward(double[] input, double[] params) {
            double[] z = new double[batch * outHeight() * outWidth() * out];
            for (int n = 0; n < batch; n++) {
                for (int oy = 0; oy < outHeight(); oy++) {
                    for (int ox = 0; ox < outWidth(); ox++) {
                        for (int o = 0; o < out; o++) {
                            double sum = params[o];
                            for (int ky = 0; ky < kernel; ky++) {
                                for (int kx = 0; kx < kernel; kx++) {
                                    int iy = oy * stride - padTop() + ky;
                                    int ix = ox * stride - padLeft() + kx;
                                    if (iy < 0 || iy >= height || ix < 0 || ix >= width) {
                                        continue;
                                    }
                                    for (int c = 0; c < in; c++) {
                                        sum += input[x(n, iy, ix, c)] * params[w(o, c, ky, kx)];
                                    }
                                }
                            }
                            z[y(n, oy, ox, o)] = sum;
                        }
                    }
                }
            }
            return z;
        }

        /** Scatters each output gradient back: into dx through w, into dw through x, into db. */
        double[][] backward(double[] input, double[] params, double[] g) {
            double[] dx = new double[input.length];
            double[] dp = new double[params.length];
            for (int n = 0; n < batch; n++) {
                for (int oy = 0; oy < outHeight(); oy++) {
                    for (int ox = 0; ox < outWidth(); ox++) {
                        for (int o = 0; o < out; o++) {
                            double go = g[y(n, oy, ox, o)];
                            dp[o] += go;
                            for (int ky = 0; ky < kernel; ky++) {
                                for (int kx = 0; kx < kernel; kx++) {
                                    int iy = oy * stride - padTop() + ky;
                                    int ix = ox * stride - padLeft() + kx;
                                    if (iy < 0 || iy >= height || ix < 0 || ix >= width) {
                                        continue;
                                    }
                                    for (int c = 0; c < in; c++) {
                                        dx[x(n, iy, ix, c)] += params[w(o, c, ky, kx)] * go;
                                        dp[w(o, c, ky, kx)] += input[x(n, iy, ix, c)] * go;
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return new double[][]{dx, dp};
        }

        NativeConv layer(DataType dataType, NativeActivation activation) {
            return layer(dataType, activation, true);
        }

        NativeConv layer(DataType dataType, NativeActivation activation, boolean inputGradient) {
            return new NativeConv(dataType, new long[]{height, width, in}, out, kernel, stride, padding, same,
                    activation, inputGradient);
        }
    }

    static double activate(NativeActivation activation, double z) {
        return switch (activation) {
            case IDENTITY -> z;
            case RELU -> Math.max(z, 0);
            case LEAKY_RELU -> z > 0 ? z : NativeActivation.LEAKY_SLOPE * z;
            case ELU -> z > 0 ? z : NativeActivation.ELU_ALPHA * (Math.exp(z) - 1);
            case SIGMOID -> 1 / (1 + Math.exp(-z));
            case TANH -> Math.tanh(z);
        };
    }

    /** The derivative at z (ReLU's at 0 taken as 0, as relu_bp does; leaky ReLU's as 1, as lrelu_bp does). */
    static double derivative(NativeActivation activation, double z) {
        return switch (activation) {
            case IDENTITY -> 1;
            case RELU -> z > 0 ? 1 : 0;
            case LEAKY_RELU -> z >= 0 ? 1 : NativeActivation.LEAKY_SLOPE;
            case ELU -> z > 0 ? 1 : NativeActivation.ELU_ALPHA * Math.exp(z);
            case SIGMOID -> activate(activation, z) * (1 - activate(activation, z));
            case TANH -> 1 - Math.tanh(z) * Math.tanh(z);
        };
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3}->{4} k{5} s{6} p{7} same={8} {9}")
    @CsvSource({
            // batch, h, w, in, out, kernel, stride, padding, same, activation
            "2, 5, 7, 1, 3, 3, 1, 0, false, IDENTITY",  // valid
            "2, 5, 7, 3, 4, 3, 1, 1, false, RELU",      // explicit pad 1, the catalogue's 'same' conv
            "1, 7, 5, 2, 5, 3, 2, 0, false, IDENTITY",  // stride 2, valid, odd sizes
            "2, 6, 6, 3, 2, 3, 2, 0, true, IDENTITY",   // 'same', stride 2, even input: asymmetric padding
            "2, 7, 7, 4, 3, 3, 2, 0, true, SIGMOID",    // 'same', stride 2, odd input
            "1, 5, 6, 2, 3, 3, 1, 0, true, TANH",       // 'same', stride 1
            "2, 6, 5, 3, 2, 2, 1, 0, true, IDENTITY",   // even kernel 'same': the extra zero goes bottom/right
            "1, 9, 8, 3, 6, 5, 2, 2, false, RELU",      // 5x5, stride 2, pad 2
    })
    void convolutionMatchesNaiveLoops(int batch, int height, int width, int in, int out, int kernel, int stride,
                                      int padding, boolean same, NativeActivation activation) {
        Conv conv = new Conv(batch, height, width, in, out, kernel, stride, padding, same);
        Random random = new Random(7 + height * 31L + width);
        double[] x = random(random, batch * height * width * in);
        double[] params = random(random, conv.numParams());
        double[] g = random(random, batch * conv.outHeight() * conv.outWidth() * out);
        double[] z = conv.forward(x, params);
        double[] expectedY = new double[z.length];
        double[] gz = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            expectedY[i] = activate(activation, z[i]);
            gz[i] = g[i] * derivative(activation, z[i]);
        }
        double[][] expectedGradients = conv.backward(x, params, gz);
        // float through oneDNN called directly, float and double through libnd4j's ops
        for (String path : new String[]{"float oneDNN", "float ops", "double ops"}) {
            DataType dataType = path.startsWith("float") ? DataType.FLOAT : DataType.DOUBLE;
            NativeConv built = conv.layer(dataType, activation);
            java.util.function.Supplier<LayerHarness> harness = () -> new LayerHarness(built, dataType, batch,
                    height, width, in);
            try (LayerHarness layer = path.equals("float oneDNN") ? harness.get() : Dnnl.turnedOffHere(harness)) {
                assertEquals(path.equals("float oneDNN"), built.callsOneDnn(), path);
                assertArrayEquals(new long[]{batch, conv.outHeight(), conv.outWidth(), out}, layer.outShape());
                layer.setParams(params);
                double tol = tolerance(dataType);
                for (int step = 0; step < 2; step++) { // twice: the second reuses what the first built
                    assertClose(expectedY, layer.forward(x), tol, path + " output");
                    assertClose(expectedGradients[0], layer.backward(g), tol, path + " input gradient");
                    assertClose(expectedGradients[1], layer.paramGradients(), tol, path
                            + " bias and weight gradient");
                }
            }
        }
    }

    /** The oneDNN preset loads in this build: else every float convolution would quietly take the ops path. */
    @Test
    void oneDnnIsCalledDirectly() {
        assertTrue(Dnnl.available(), Dnnl.unavailableReason());
    }

    /**
     * A first layer (built without the input gradient) writes the same bias and weight gradients as
     * the naive loops, through its own window-columns-and-gemm path instead of conv2d_bp, and returns
     * no input gradient; twice in a row, so stale columns or a second step's reuse would show.
     */
    @ParameterizedTest(name = "{0} {1}x{2}x{3}->{4} k{5} s{6} p{7} same={8} {9}")
    @CsvSource({
            // batch, h, w, in, out, kernel, stride, padding, same, activation
            "3, 8, 7, 3, 5, 3, 1, 0, false, RELU",      // cifar-cnn's first layer, small: valid
            "2, 6, 6, 1, 4, 3, 1, 1, false, RELU",      // simple-cnn's: explicit pad 1
            "2, 5, 7, 1, 3, 3, 1, 0, false, IDENTITY",  // one channel, valid
            "1, 7, 5, 2, 5, 3, 2, 0, false, IDENTITY",  // stride 2, valid, remainder dropped
            "2, 6, 6, 3, 2, 3, 2, 0, true, TANH",       // 'same', stride 2, even input: asymmetric padding
            "2, 6, 5, 3, 2, 2, 1, 0, true, SIGMOID",    // even kernel 'same': the extra zero bottom/right
            "1, 9, 8, 3, 6, 5, 2, 2, false, RELU",      // 5x5, stride 2, pad 2
    })
    void firstLayerParameterGradientsMatchNaiveLoops(int batch, int height, int width, int in, int out, int kernel,
                                                     int stride, int padding, boolean same,
                                                     NativeActivation activation) {
        Conv conv = new Conv(batch, height, width, in, out, kernel, stride, padding, same);
        Random random = new Random(13 + height * 31L + width);
        // float through oneDNN called directly, float and double through the window columns
        for (String path : new String[]{"float oneDNN", "float columns", "double columns"}) {
            DataType dataType = path.startsWith("float") ? DataType.FLOAT : DataType.DOUBLE;
            NativeConv built = conv.layer(dataType, activation, false);
            java.util.function.Supplier<LayerHarness> harness = () -> new LayerHarness(built, dataType, batch,
                    height, width, in);
            try (LayerHarness layer = path.equals("float oneDNN") ? harness.get() : Dnnl.turnedOffHere(harness)) {
                assertEquals(path.equals("float oneDNN") && Dnnl.takesConvolution(kernel, in, out), built.callsOneDnn(),
                        path);
                for (int step = 0; step < 2; step++) {
                    double[] x = random(random, batch * height * width * in);
                    double[] params = random(random, conv.numParams());
                    double[] g = random(random, batch * conv.outHeight() * conv.outWidth() * out);
                    double[] z = conv.forward(x, params);
                    double[] expectedY = new double[z.length];
                    double[] gz = new double[z.length];
                    for (int i = 0; i < z.length; i++) {
                        expectedY[i] = activate(activation, z[i]);
                        gz[i] = g[i] * derivative(activation, z[i]);
                    }
                    double[] expected = conv.backward(x, params, gz)[1];
                    layer.setParams(params);
                    double tol = tolerance(dataType);
                    assertClose(expectedY, layer.forward(x), tol, path + " output, step " + step);
                    assertNull(layer.backward(g), "no input gradient");
                    assertClose(expected, layer.paramGradients(), tol, path + " bias and weight gradient, step "
                            + step);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} stride {1} same={2}")
    @CsvSource({"TANH, 2, true", "SIGMOID, 1, false", "IDENTITY, 2, false"})
    void convolutionGradientsMatchFiniteDifferences(NativeActivation activation, int stride, boolean same) {
        Conv conv = new Conv(2, 5, 6, 2, 3, 3, stride, same ? 0 : 1, same);
        Random random = new Random(11);
        double[] x = random(random, 2 * 5 * 6 * 2);
        double[] params = random(random, conv.numParams());
        double[] g = random(random, 2 * conv.outHeight() * conv.outWidth() * 3);
        try (LayerHarness layer = new LayerHarness(conv.layer(DataType.DOUBLE, activation), DataType.DOUBLE, 2,
                5, 6, 2)) {
            layer.setParams(params);
            layer.forward(x);
            double[] dx = layer.backward(g);
            double[] dp = layer.paramGradients();
            assertClose(centralDifferences(x, v -> {
                layer.setParams(params);
                return layer.probe(v, g);
            }), dx, 1e-7, "input gradient");
            assertClose(centralDifferences(params, p -> {
                layer.setParams(p);
                return layer.probe(x, g);
            }), dp, 1e-7, "bias and weight gradient");
        }
    }

    /** A pooling geometry and its naive loops (NHWC, truncating, zero padding never counted). */
    record Pool(NativePool.Mode mode, int batch, int height, int width, int channels, int window, int stride,
                int padding) {

        int outHeight() {
            return (height + 2 * padding - window) / stride + 1;
        }

        int outWidth() {
            return (width + 2 * padding - window) / stride + 1;
        }

        int x(int n, int y, int x, int c) {
            return ((n * height + y) * width + x) * channels + c;
        }

        int y(int n, int y, int x, int c) {
            return ((n * outHeight() + y) * outWidth() + x) * channels + c;
        }

        /**
         * Forward values and, for the output gradient {@code g}, the input gradient: max routes each
         * g to the first (row-major) largest input of its window; avg spreads g / (inputs in the window).
         */
        double[][] run(double[] input, double[] g) {
            double[] out = new double[batch * outHeight() * outWidth() * channels];
            double[] dx = new double[input.length];
            for (int n = 0; n < batch; n++) {
                for (int oy = 0; oy < outHeight(); oy++) {
                    for (int ox = 0; ox < outWidth(); ox++) {
                        for (int c = 0; c < channels; c++) {
                            double max = Double.NEGATIVE_INFINITY;
                            int argmax = -1;
                            double sum = 0;
                            int count = 0;
                            for (int ky = 0; ky < window; ky++) {
                                for (int kx = 0; kx < window; kx++) {
                                    int iy = oy * stride - padding + ky;
                                    int ix = ox * stride - padding + kx;
                                    if (iy < 0 || iy >= height || ix < 0 || ix >= width) {
                                        continue;
                                    }
                                    double v = input[x(n, iy, ix, c)];
                                    if (v > max) {
                                        max = v;
                                        argmax = x(n, iy, ix, c);
                                    }
                                    sum += v;
                                    count++;
                                }
                            }
                            int o = y(n, oy, ox, c);
                            if (mode == NativePool.Mode.MAX) {
                                out[o] = max;
                                dx[argmax] += g[o];
                            } else {
                                out[o] = sum / count;
                                for (int ky = 0; ky < window; ky++) {
                                    for (int kx = 0; kx < window; kx++) {
                                        int iy = oy * stride - padding + ky;
                                        int ix = ox * stride - padding + kx;
                                        if (iy >= 0 && iy < height && ix >= 0 && ix < width) {
                                            dx[x(n, iy, ix, c)] += g[o] / count;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return new double[][]{out, dx};
        }

        NativePool layer(DataType dataType) {
            return new NativePool(dataType, new long[]{height, width, channels}, mode, window, stride, padding);
        }
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3} window {4} stride {5} pad {6}")
    @CsvSource({
            // mode, h, w, channels, window, stride, padding
            "MAX, 6, 7, 3, 2, 2, 0",  // the catalogue's pooling; odd width: last column dropped
            "MAX, 7, 7, 2, 3, 2, 0",  // overlapping windows
            "MAX, 6, 5, 2, 3, 2, 1",  // padding never wins (inputs are all negative)
            "AVG, 5, 6, 3, 2, 2, 0",
            "AVG, 7, 7, 2, 3, 2, 0",
            "AVG, 6, 5, 2, 3, 2, 1",  // border windows divide by the inputs they cover, not by 9
            "AVG, 4, 5, 1, 3, 1, 1",
    })
    void poolingMatchesNaiveLoops(NativePool.Mode mode, int height, int width, int channels, int window, int stride,
                                  int padding) {
        int batch = 2;
        Pool pool = new Pool(mode, batch, height, width, channels, window, stride, padding);
        Random random = new Random(3 + height * 17L + width);
        double[] x = random(random, batch * height * width * channels);
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] - 2; // all negative: a zero from padding would win a max, or show in an average
        }
        double[] g = random(random, batch * pool.outHeight() * pool.outWidth() * channels);
        double[][] expected = pool.run(x, g);
        for (DataType dataType : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            NativePool built = pool.layer(dataType);
            try (LayerHarness layer = new LayerHarness(built, dataType, batch, height, width, channels)) {
                // float: oneDNN called directly; double: libnd4j's ops
                assertEquals(dataType == DataType.FLOAT && Dnnl.available(), built.callsOneDnn(), "oneDNN");
                assertArrayEquals(new long[]{batch, pool.outHeight(), pool.outWidth(), channels}, layer.outShape());
                double tol = tolerance(dataType);
                assertClose(expected[0], layer.forward(x), tol, dataType + " output");
                assertClose(expected[1], layer.backward(g), tol, dataType + " input gradient");
            }
        }
    }

    /**
     * Ties: libnd4j (oneDNN in float, its generic loop in double) gives the whole gradient to the
     * first largest value in row-major window order, as the naive loop's strict {@code >} does; it
     * does not split it. (DL4J's im2col max-pooling did the same.)
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"FLOAT", "DOUBLE"})
    void maxPoolingRoutesATiedGradientToTheFirstMaximum(DataType dataType) {
        // one 2x2 window per channel, values in row-major order: top-left, top-right, bottom-left, bottom-right
        double[][] windows = {{1, 1, 1, 1}, {0, 2, 2, 0}, {0, 0, 3, 3}, {-1, 5, -1, 5}};
        double[][] expected = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 1, 0, 0}};
        int channels = windows.length;
        double[] x = new double[4 * channels];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < 4; i++) {
                x[i * channels + c] = windows[c][i];
            }
        }
        double[] g = {1, 1, 1, 1};
        try (LayerHarness layer = new LayerHarness(new NativePool(dataType, new long[]{2, 2, channels}, 2), dataType,
                1, 2, 2, channels)) {
            layer.forward(x);
            double[] dx = layer.backward(g);
            for (int c = 0; c < channels; c++) {
                double[] got = new double[4];
                for (int i = 0; i < 4; i++) {
                    got[i] = dx[i * channels + c];
                }
                assertArrayEquals(expected[c], got, "window " + Arrays.toString(windows[c]));
            }
        }
    }

    /**
     * What {@code avgpool2d}'s iArg 9 ("extraParam0") means, on a 2x2 input of ones, 3x3 window,
     * stride 1, padding 1: 0 (what {@link NativePool} passes) divides by the inputs the window
     * covers, so every output is 1; 1 divides by 9, counting the padding zeros.
     */
    @ParameterizedTest(name = "extraParam0 = {0}")
    @CsvSource({"0, 1.0", "1, 0.4444444444444444"})
    void averagePoolingDivisorMode(int extraParam0, double expected) {
        INDArray ones = Nd4j.ones(DataType.FLOAT, 1, 2, 2, 1);
        INDArray out = Nd4j.create(DataType.FLOAT, 1, 2, 2, 1);
        Nd4j.exec(DynamicCustomOp.builder("avgpool2d").addInputs(ones).addOutputs(out)
                .addIntegerArguments(3, 3, 1, 1, 1, 1, 1, 1, 0, extraParam0, 1).build());
        double[] values = LayerHarness.flat(out);
        double[] want = new double[values.length];
        Arrays.fill(want, expected);
        assertClose(want, values, 1e-6, "avgpool2d with extraParam0 " + extraParam0);
    }

    /** d f / d v_i by (f(v + h e_i) - f(v - h e_i)) / 2h, h = 1e-6. */
    static double[] centralDifferences(double[] v, java.util.function.ToDoubleFunction<double[]> f) {
        double h = 1e-6;
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double[] plus = v.clone();
            double[] minus = v.clone();
            plus[i] += h;
            minus[i] -= h;
            d[i] = (f.applyAsDouble(plus) - f.applyAsDouble(minus)) / (2 * h);
        }
        return d;
    }
}
