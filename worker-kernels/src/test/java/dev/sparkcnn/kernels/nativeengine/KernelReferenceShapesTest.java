package dev.sparkcnn.kernels.nativeengine;

import static dev.sparkcnn.kernels.nativeengine.KernelReferenceTest.activate;
import static dev.sparkcnn.kernels.nativeengine.KernelReferenceTest.derivative;
import static dev.sparkcnn.kernels.nativeengine.LayerHarness.assertClose;
import static dev.sparkcnn.kernels.nativeengine.LayerHarness.random;
import static dev.sparkcnn.kernels.nativeengine.LayerHarness.tolerance;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sparkcnn.kernels.NativeRuntime;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The layers the definitions add to the tutorial ones, against naive loops in float and double:
 * convolutions without a bias (both the conv2d path and the first layer's column path), pooling in
 * 'same' mode, global average pooling and the stand-alone activation layer.
 */
class KernelReferenceShapesTest {

    private static final DataType[] TYPES = {DataType.FLOAT, DataType.DOUBLE};

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    @ParameterizedTest(name = "{0}x{1}x{2}->{3} k{4} s{5} p{6} same={7} {8} input gradient={9}")
    @CsvSource({
            // h, w, in, out, kernel, stride, padding, same, activation, input gradient
            "5, 7, 3, 4, 3, 1, 1, false, RELU, true",        // resnet20's 3x3 convolutions
            "6, 6, 3, 4, 3, 2, 1, false, IDENTITY, true",    // the stride-2 one entering a stage
            "6, 6, 3, 5, 1, 2, 0, false, IDENTITY, true",    // the 1x1 stride-2 projection shortcut
            "6, 5, 2, 3, 3, 2, 0, true, ELU, true",
            "5, 7, 3, 4, 3, 1, 1, false, LEAKY_RELU, false", // resnet20's first layer: columns, no bias row
            "7, 6, 2, 3, 1, 2, 0, false, IDENTITY, false",
    })
    void convolutionWithoutBiasMatchesNaiveLoops(int height, int width, int in, int out, int kernel, int stride,
                                                 int padding, boolean same, NativeActivation activation,
                                                 boolean inputGradient) {
        int batch = 2;
        KernelReferenceTest.Conv conv = new KernelReferenceTest.Conv(batch, height, width, in, out, kernel, stride,
                padding, same);
        Random random = new Random(23 + height * 7L + kernel);
        double[] x = random(random, batch * height * width * in);
        double[] weights = random(random, conv.numParams() - out);
        double[] params = new double[conv.numParams()]; // the reference's layout: a zero bias, then the weights
        System.arraycopy(weights, 0, params, out, weights.length);
        double[] g = random(random, batch * conv.outHeight() * conv.outWidth() * out);
        double[] z = conv.forward(x, params);
        double[] expectedY = new double[z.length];
        double[] gz = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            expectedY[i] = activate(activation, z[i]);
            gz[i] = g[i] * derivative(activation, z[i]);
        }
        double[][] expected = conv.backward(x, params, gz);
        double[] expectedWeightGradient = Arrays.copyOfRange(expected[1], out, expected[1].length);
        for (DataType dataType : TYPES) {
            NativeConv layer = new NativeConv(dataType, new long[]{height, width, in},
                    new NativeConv.Spec(out, kernel, stride, padding, same, false, activation), inputGradient);
            try (LayerHarness harness = new LayerHarness(layer, dataType, batch, height, width, in)) {
                harness.setParams(weights);
                double tol = tolerance(dataType);
                for (int step = 0; step < 2; step++) { // a second step reuses the prepared ops and columns
                    assertClose(expectedY, harness.forward(x), tol, dataType + " output");
                    double[] dx = harness.backward(g);
                    if (inputGradient) {
                        assertClose(expected[0], dx, tol, dataType + " input gradient");
                    } else {
                        assertNull(dx, "no input gradient");
                    }
                    assertClose(expectedWeightGradient, harness.paramGradients(), tol, dataType + " weight gradient");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}x{2} window {3} stride {4}")
    @CsvSource({
            "MAX, 6, 6, 2, 2",  // no padding needed
            "MAX, 7, 5, 3, 2",  // odd sizes: padding split, smaller half top/left
            "AVG, 7, 7, 2, 2",  // the extra row/column is padding, not counted
            "AVG, 5, 6, 3, 1",
    })
    void samePoolingMatchesNaiveLoops(NativePool.Mode mode, int height, int width, int window, int stride) {
        int batch = 2;
        int channels = 3;
        int outH = (height + stride - 1) / stride;
        int outW = (width + stride - 1) / stride;
        int padTop = Math.max((outH - 1) * stride + window - height, 0) / 2;
        int padLeft = Math.max((outW - 1) * stride + window - width, 0) / 2;
        Random random = new Random(5 + height * 11L + width);
        double[] x = random(random, batch * height * width * channels);
        for (int i = 0; i < x.length; i++) {
            x[i] -= 2; // all negative: a padding zero would win a max or show in an average
        }
        double[] g = random(random, batch * outH * outW * channels);
        double[] y = new double[g.length];
        double[] dx = new double[x.length];
        for (int n = 0; n < batch; n++) {
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    for (int c = 0; c < channels; c++) {
                        int o = ((n * outH + oy) * outW + ox) * channels + c;
                        double best = Double.NEGATIVE_INFINITY;
                        int arg = -1;
                        double sum = 0;
                        int count = 0;
                        for (int ky = 0; ky < window; ky++) {
                            for (int kx = 0; kx < window; kx++) {
                                int iy = oy * stride - padTop + ky;
                                int ix = ox * stride - padLeft + kx;
                                if (iy >= 0 && iy < height && ix >= 0 && ix < width) {
                                    int i = ((n * height + iy) * width + ix) * channels + c;
                                    if (x[i] > best) {
                                        best = x[i];
                                        arg = i;
                                    }
                                    sum += x[i];
                                    count++;
                                }
                            }
                        }
                        if (mode == NativePool.Mode.MAX) {
                            y[o] = best;
                            dx[arg] += g[o];
                        } else {
                            y[o] = sum / count;
                            for (int ky = 0; ky < window; ky++) {
                                for (int kx = 0; kx < window; kx++) {
                                    int iy = oy * stride - padTop + ky;
                                    int ix = ox * stride - padLeft + kx;
                                    if (iy >= 0 && iy < height && ix >= 0 && ix < width) {
                                        dx[((n * height + iy) * width + ix) * channels + c] += g[o] / count;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for (DataType dataType : TYPES) {
            NativePool pool = new NativePool(dataType, new long[]{height, width, channels}, mode, window, stride, 0,
                    true);
            try (LayerHarness layer = new LayerHarness(pool, dataType, batch, height, width, channels)) {
                assertEquals(dataType == DataType.FLOAT && Dnnl.available(), pool.callsOneDnn(), "oneDNN");
                assertArrayEquals(new long[]{batch, outH, outW, channels}, layer.outShape());
                assertClose(y, layer.forward(x), tolerance(dataType), dataType + " output");
                assertClose(dx, layer.backward(g), tolerance(dataType), dataType + " input gradient");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"FLOAT", "DOUBLE"})
    void globalAveragePoolingMatchesNaiveLoops(DataType dataType) {
        int batch = 3;
        int height = 4;
        int width = 5;
        int channels = 6;
        Random random = new Random(29);
        double[] x = random(random, batch * height * width * channels);
        double[] g = random(random, batch * channels);
        double[] y = new double[g.length];
        double[] dx = new double[x.length];
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                double sum = 0;
                for (int p = 0; p < height * width; p++) {
                    sum += x[(n * height * width + p) * channels + c];
                }
                y[n * channels + c] = sum / (height * width);
                for (int p = 0; p < height * width; p++) {
                    dx[(n * height * width + p) * channels + c] = g[n * channels + c] / (height * width);
                }
            }
        }
        try (LayerHarness layer = new LayerHarness(new NativeGlobalPool(dataType, new long[]{height, width, channels}),
                dataType, batch, height, width, channels)) {
            assertArrayEquals(new long[]{batch, channels}, layer.outShape());
            for (int step = 0; step < 2; step++) {
                assertClose(y, layer.forward(x), tolerance(dataType), dataType + " output");
                assertClose(dx, layer.backward(g), tolerance(dataType), dataType + " input gradient");
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"RELU, FLOAT", "LEAKY_RELU, DOUBLE", "ELU, FLOAT", "ELU, DOUBLE", "SIGMOID, DOUBLE", "TANH, FLOAT",
            "IDENTITY, DOUBLE"})
    void activationLayerMatchesItsFormula(NativeActivation activation, DataType dataType) {
        int batch = 2;
        long[] shape = {3, 2, 4};
        Random random = new Random(31);
        double[] x = random(random, batch * 24);
        for (int i = 0; i < x.length; i++) {
            x[i] *= 3;
        }
        double[] g = random(random, x.length);
        double[] y = new double[x.length];
        double[] dx = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = activate(activation, x[i]);
            dx[i] = g[i] * derivative(activation, x[i]);
        }
        try (LayerHarness layer = new LayerHarness(new NativeActivationLayer(dataType, shape, activation), dataType,
                batch, shape)) {
            for (int step = 0; step < 2; step++) {
                assertClose(y, layer.forward(x), tolerance(dataType), dataType + " output");
                assertClose(dx, layer.backward(g), tolerance(dataType), dataType + " input gradient");
            }
        }
    }
}
