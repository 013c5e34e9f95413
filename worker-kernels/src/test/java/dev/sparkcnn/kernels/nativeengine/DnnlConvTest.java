package dev.sparkcnn.kernels.nativeengine;

import static dev.sparkcnn.kernels.nativeengine.LayerHarness.assertClose;
import static dev.sparkcnn.kernels.nativeengine.LayerHarness.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.kernels.NativeRuntime;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Float convolutions through oneDNN called directly ({@link DnnlConv}) against libnd4j's
 * {@code conv2d}/{@code conv2d_bp} on the same parameters and data, for the shapes the catalogue's
 * batch-norm networks use and {@link KernelReferenceTest} does not: no bias, 1x1 shortcuts with
 * stride 2, more channels than one 8- or 16-channel block; and a batch-size change, which rebuilds
 * the primitives. (The naive-loop comparison of every padding mode is in {@link KernelReferenceTest}.)
 */
class DnnlConvTest {

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(2);
    }

    @ParameterizedTest(name = "{0}x{1}x{2}->{3} k{4} s{5} p{6} same={7} bias={8}")
    @CsvSource({
            // h, w, in, out, kernel, stride, padding, same, bias
            "8, 8, 16, 16, 3, 1, 1, false, false",  // resnet20's 16-channel layers, small
            "8, 8, 16, 32, 3, 2, 1, false, false",  // the stride-2 layer into a 32-channel stage
            "8, 8, 16, 32, 1, 2, 0, false, false",  // its 1x1 projection shortcut
            "7, 7, 24, 40, 3, 1, 1, false, true",   // channels not a multiple of 16, with bias
            "6, 6, 8, 12, 3, 2, 0, true, false",    // 'same', stride 2, even input: asymmetric padding
            "8, 8, 3, 3, 1, 2, 0, false, false",    // 1x1 on part of a block: oneDNN's went wrong, stays on the op
            "8, 8, 3, 5, 3, 1, 1, false, false",    // few channels, 3x3
    })
    void matchesLibnd4jsOps(int height, int width, int in, int out, int kernel, int stride, int padding,
                            boolean same, boolean bias) {
        NativeConv.Spec spec = new NativeConv.Spec(out, kernel, stride, padding, same, bias, NativeActivation.RELU);
        long[] inShape = {height, width, in};
        Random random = new Random(height * 131L + in * 7L + out);
        NativeConv direct = new NativeConv(DataType.FLOAT, inShape, spec, true);
        NativeConv ops = new NativeConv(DataType.FLOAT, inShape, spec, true);
        for (int batch : new int[]{3, 2}) { // a second batch size rebuilds the primitives
            Supplier<LayerHarness> opsHarness = () -> new LayerHarness(ops, DataType.FLOAT, batch, inShape);
            try (LayerHarness a = new LayerHarness(direct, DataType.FLOAT, batch, inShape);
                 LayerHarness b = Dnnl.turnedOffHere(opsHarness)) {
                assertEquals(Dnnl.takesConvolution(kernel, in, out), direct.callsOneDnn());
                assertFalse(ops.callsOneDnn());
                double[] params = random(random, (int) direct.numParams());
                a.setParams(params);
                b.setParams(params);
                for (int step = 0; step < 2; step++) {
                    double[] x = random(random, batch * height * width * in);
                    long[] outShape = direct.outputShape();
                    double[] g = random(random, (int) (batch * outShape[0] * outShape[1] * out));
                    String at = "batch " + batch + " step " + step;
                    assertClose(b.forward(x), a.forward(x), 1e-5, at + " output");
                    assertClose(b.backward(g), a.backward(g), 1e-5, at + " input gradient");
                    assertClose(b.paramGradients(), a.paramGradients(), 1e-5, at + " parameter gradients");
                }
            }
        }
    }

    @Test
    void declinesOneByOneConvolutionsOnPartialBlocks() {
        assertFalse(Dnnl.takesConvolution(1, 3, 3));
        assertFalse(Dnnl.takesConvolution(1, 16, 24));
        assertTrue(Dnnl.takesConvolution(1, 16, 32));
        assertTrue(Dnnl.takesConvolution(3, 3, 5));
    }

    /** Double layers keep libnd4j's ops (oneDNN is float only here). */
    @Test
    void doubleLayersKeepTheOps() {
        NativeConv conv = new NativeConv(DataType.DOUBLE, new long[]{5, 5, 4}, 4, 3, 1);
        try (LayerHarness ignored = new LayerHarness(conv, DataType.DOUBLE, 2, 5, 5, 4)) {
            assertFalse(conv.callsOneDnn());
        }
    }
}
