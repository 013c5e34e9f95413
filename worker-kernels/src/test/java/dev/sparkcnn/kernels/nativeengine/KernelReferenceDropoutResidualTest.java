package dev.sparkcnn.kernels.nativeengine;

import static dev.sparkcnn.kernels.nativeengine.LayerHarness.assertClose;
import static dev.sparkcnn.kernels.nativeengine.LayerHarness.random;
import static dev.sparkcnn.kernels.nativeengine.LayerHarness.tolerance;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.kernels.NativeRuntime;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Dropout masks (values, rate, reproducibility from the step key, independence of the slicing,
 * identity in inference) and residual blocks against the naive convolution loops composed by hand,
 * in float and double.
 */
class KernelReferenceDropoutResidualTest {

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    private static double[] mask(DataType dataType, double rate, StepContext context, int batch, long... shape) {
        NativeDropout dropout = new NativeDropout(dataType, shape, rate);
        try (LayerHarness layer = new LayerHarness(dropout, dataType, batch, shape)) {
            dropout.begin(context);
            double[] ones = new double[(int) (batch * NativeLayer.size(shape))];
            Arrays.fill(ones, 1);
            double[] y = layer.forward(ones);
            if (rate > 0) { // rate 0 is the identity: no mask is drawn
                assertArrayEquals(y, LayerHarness.flat(dropout.mask()), 0, "the output of ones is the mask");
            }
            return y;
        }
    }

    @ParameterizedTest(name = "{0} rate {1}")
    @CsvSource({"FLOAT, 0.25", "DOUBLE, 0.5", "FLOAT, 0.0"})
    void dropoutMasksAreInvertedBernoulliDrawsFromTheStepKey(DataType dataType, double rate) {
        int batch = 6;
        long[] shape = {10, 10, 8};
        StepContext step = new StepContext(true, 42, 1, 17, 0, batch, batch);
        double[] mask = mask(dataType, rate, step, batch, shape);
        double kept = 1 / (1 - rate);
        int zeros = 0;
        for (double m : mask) {
            assertTrue(m == 0 || Math.abs(m - kept) < 1e-6, "mask value " + m);
            zeros += m == 0 ? 1 : 0;
        }
        assertEquals(rate, (double) zeros / mask.length, 0.02, "fraction dropped");
        assertArrayEquals(mask, mask(dataType, rate, step, batch, shape), 0, "same key, same mask");
        if (rate > 0) {
            double[] nextStep = mask(dataType, rate, new StepContext(true, 42, 1, 18, 0, batch, batch), batch, shape);
            double[] otherPartition = mask(dataType, rate, new StepContext(true, 42, 2, 17, 0, batch, batch), batch,
                    shape);
            assertFalse(Arrays.equals(mask, nextStep), "another step draws another mask");
            assertFalse(Arrays.equals(mask, otherPartition), "another partition draws another mask");
        }
        // rows [2, 6) of the same batch, as a slice: the whole batch's rows 2..5
        double[] slice = mask(dataType, rate, new StepContext(true, 42, 1, 17, 2, 4, batch), 4, shape);
        int row = (int) NativeLayer.size(shape);
        assertArrayEquals(Arrays.copyOfRange(mask, 2 * row, 6 * row), slice, 0, "a slice's masks are its rows'");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"FLOAT", "DOUBLE"})
    void dropoutScalesByItsMaskAndIsTheIdentityInInference(DataType dataType) {
        int batch = 3;
        long[] shape = {4, 5};
        NativeDropout dropout = new NativeDropout(dataType, shape, 0.3);
        Random random = new Random(47);
        try (LayerHarness layer = new LayerHarness(dropout, dataType, batch, shape)) {
            for (int step = 0; step < 2; step++) {
                dropout.begin(new StepContext(true, 5, 0, step, 0, batch, batch));
                double[] x = random(random, batch * 20);
                double[] g = random(random, x.length);
                double[] y = layer.forward(x);
                double[] m = LayerHarness.flat(dropout.mask());
                double[] dx = layer.backward(g);
                double[] expectedY = new double[x.length];
                double[] expectedDx = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    expectedY[i] = x[i] * m[i];
                    expectedDx[i] = g[i] * m[i];
                }
                assertClose(expectedY, y, tolerance(dataType), "training output");
                assertClose(expectedDx, dx, tolerance(dataType), "training input gradient");
            }
            dropout.begin(StepContext.INFERENCE);
            double[] x = random(random, batch * 20);
            double[] g = random(random, x.length);
            assertClose(x, layer.forward(x), tolerance(dataType), "inference output");
            assertClose(g, layer.backward(g), tolerance(dataType), "inference input gradient");
        }
    }

    /**
     * relu(conv2(relu(conv1(x))) + shortcut(x)), shortcut the identity or a 1x1 strided convolution
     * without bias: output, input gradient (both branches summed) and every parameter gradient, in
     * layout order (main branch, then shortcut), against the naive loops composed by hand. Float
     * blocks add, activate and sum gradients in oneDNN ({@link DnnlResidualAdd}) unless it is
     * turned off for the row ({@code oneDnn} false: libnd4j's ops).
     */
    @ParameterizedTest(name = "{0} stride {1} projection={2} oneDNN={3}")
    @CsvSource({"FLOAT, 1, false, true", "FLOAT, 1, false, false", "DOUBLE, 1, false, false",
            "FLOAT, 2, true, true", "FLOAT, 2, true, false", "DOUBLE, 2, true, false", "DOUBLE, 1, true, false"})
    void residualBlockMatchesComposedNaiveLoops(DataType dataType, int stride, boolean projection, boolean oneDnn) {
        int batch = 2;
        int side = 6;
        int in = 3;
        int out = projection ? 4 : 3;
        KernelReferenceTest.Conv conv1 = new KernelReferenceTest.Conv(batch, side, side, in, out, 3, stride, 1, false);
        int mid = conv1.outHeight();
        KernelReferenceTest.Conv conv2 = new KernelReferenceTest.Conv(batch, mid, mid, out, out, 3, 1, 1, false);
        KernelReferenceTest.Conv shortcut = new KernelReferenceTest.Conv(batch, side, side, in, out, 1, stride, 0,
                false);
        Random random = new Random(53 + stride);
        double[] x = random(random, batch * side * side * in);
        double[] p1 = random(random, conv1.numParams());
        double[] p2 = random(random, conv2.numParams());
        double[] ps = new double[shortcut.numParams()]; // zero bias, as the bias-free layer has none
        double[] shortcutWeights = random(random, shortcut.numParams() - out);
        System.arraycopy(shortcutWeights, 0, ps, out, shortcutWeights.length);
        double[] z1 = conv1.forward(x, p1);
        double[] a1 = z1.clone();
        for (int i = 0; i < a1.length; i++) {
            a1[i] = Math.max(a1[i], 0);
        }
        double[] z2 = conv2.forward(a1, p2);
        double[] s = projection ? shortcut.forward(x, ps) : x;
        double[] y = new double[z2.length];
        double[] g = random(random, y.length);
        double[] gz = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.max(z2[i] + s[i], 0);
            gz[i] = y[i] > 0 ? g[i] : 0;
        }
        double[][] back2 = conv2.backward(a1, p2, gz);
        double[] ga1 = back2[0];
        for (int i = 0; i < ga1.length; i++) {
            ga1[i] = z1[i] > 0 ? ga1[i] : 0;
        }
        double[][] back1 = conv1.backward(x, p1, ga1);
        double[] dx = back1[0].clone();
        double[] shortcutGradient = new double[0];
        if (projection) {
            double[][] backS = shortcut.backward(x, ps, gz);
            for (int i = 0; i < dx.length; i++) {
                dx[i] += backS[0][i];
            }
            shortcutGradient = Arrays.copyOfRange(backS[1], out, backS[1].length);
        } else {
            for (int i = 0; i < dx.length; i++) {
                dx[i] += gz[i];
            }
        }
        double[] params = concat(p1, p2, shortcutWeights, projection);
        double[] expectedDp = concat(back1[1], back2[1], shortcutGradient, projection);
        for (DataType type : new DataType[]{dataType}) {
            long[] inShape = {side, side, in};
            NativeConv first = new NativeConv(type, inShape, out, 3, stride, 1, false, NativeActivation.RELU);
            NativeConv second = new NativeConv(type, first.outputShape(), out, 3, 1, 1, false,
                    NativeActivation.IDENTITY);
            List<NativeLayer> shortcutLayers = projection ? List.of(new NativeConv(type, inShape,
                    new NativeConv.Spec(out, 1, stride, 0, false, false, NativeActivation.IDENTITY), true)) : List.of();
            NativeResidual block = new NativeResidual(type, inShape, List.of(first, second), shortcutLayers,
                    NativeActivation.RELU);
            java.util.function.Supplier<LayerHarness> harness = () -> new LayerHarness(block, type, batch, inShape);
            try (LayerHarness layer = oneDnn ? harness.get() : Dnnl.turnedOffHere(harness)) {
                assertEquals(oneDnn && Dnnl.available(), block.callsOneDnn(), "residual add in oneDNN");
                layer.setParams(params);
                double tol = tolerance(type);
                for (int step = 0; step < 2; step++) {
                    assertClose(y, layer.forward(x), tol, type + " output");
                    assertClose(dx, layer.backward(g), tol, type + " input gradient (both branches)");
                    assertClose(expectedDp, layer.paramGradients(), tol, type + " parameter gradients");
                }
            }
        }
    }

    /**
     * A ResNet block, conv-bn-relu-conv-bn plus shortcut then ReLU, float: oneDNN's residual add
     * (written over the last batch norm's output, the gradient sum over the first convolution's
     * input gradient) against the same block on libnd4j's ops, over two steps (the second reuses
     * the arrays the first wrote over). The batch norms' running statistics are parameters too.
     */
    @ParameterizedTest(name = "projection={0}")
    @CsvSource({"false", "true"})
    void batchNormResidualBlockInOneDnnMatchesOps(boolean projection) {
        long[] inShape = {6, 6, 16};
        int out = projection ? 32 : 16;
        int stride = projection ? 2 : 1;
        java.util.function.Supplier<NativeResidual> build = () -> {
            NativeConv c1 = new NativeConv(DataType.FLOAT, inShape, out, 3, stride, 1, false, NativeActivation.IDENTITY);
            NativeBatchNorm b1 = new NativeBatchNorm(DataType.FLOAT, c1.outputShape(), 0.9, 1e-5, NativeActivation.RELU);
            NativeConv c2 = new NativeConv(DataType.FLOAT, c1.outputShape(), out, 3, 1, 1, false,
                    NativeActivation.IDENTITY);
            NativeBatchNorm b2 = new NativeBatchNorm(DataType.FLOAT, c2.outputShape(), 0.9, 1e-5,
                    NativeActivation.IDENTITY);
            List<NativeLayer> shortcut = List.of();
            if (projection) {
                NativeConv s1 = new NativeConv(DataType.FLOAT, inShape,
                        new NativeConv.Spec(out, 1, stride, 0, false, false, NativeActivation.IDENTITY), true);
                shortcut = List.of(s1, new NativeBatchNorm(DataType.FLOAT, s1.outputShape(), 0.9, 1e-5,
                        NativeActivation.IDENTITY));
            }
            return new NativeResidual(DataType.FLOAT, inShape, List.of(c1, b1, c2, b2), shortcut, NativeActivation.RELU);
        };
        NativeResidual direct = build.get();
        NativeResidual ops = build.get();
        int batch = 4;
        java.util.function.Supplier<LayerHarness> opsHarness = () -> new LayerHarness(ops, DataType.FLOAT, batch, inShape);
        Random random = new Random(projection ? 7 : 5);
        try (LayerHarness a = new LayerHarness(direct, DataType.FLOAT, batch, inShape);
             LayerHarness b = Dnnl.turnedOffHere(opsHarness)) {
            assertEquals(Dnnl.available(), direct.callsOneDnn(), "residual add in oneDNN");
            assertEquals(false, ops.callsOneDnn());
            double[] params = random(random, (int) direct.numParams());
            for (int i = 0; i < params.length; i++) {
                params[i] = Math.abs(params[i]) + 0.5; // positive variances among them
            }
            a.setParams(params);
            b.setParams(params);
            for (int step = 0; step < 2; step++) {
                double[] x = random(random, (int) (batch * NativeLayer.size(inShape)));
                double[] g = random(random, (int) (batch * NativeLayer.size(direct.outputShape())));
                String at = "step " + step;
                assertClose(b.forward(x), a.forward(x), 1e-4, at + " output");
                assertClose(b.backward(g), a.backward(g), 1e-4, at + " input gradient");
                assertClose(b.paramGradients(), a.paramGradients(), 1e-4, at + " parameter gradients");
                assertClose(b.params(), a.params(), 1e-5, at + " running statistics");
            }
        }
    }

    private static double[] concat(double[] a, double[] b, double[] c, boolean withC) {
        double[] all = new double[a.length + b.length + (withC ? c.length : 0)];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        if (withC) {
            System.arraycopy(c, 0, all, a.length + b.length, c.length);
        }
        return all;
    }
}
