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

    /**
     * oneDNN's Winograd kernels ({@link DnnlWinogradConv}: AVX-512 CPUs, the blocked layout with
     * reorders to and from NHWC, buffers of oneDNN's own) against libnd4j's op: 3x3 stride-1
     * layers of 32 or more channels take them where the CPU has AVX-512. The shapes include the
     * two that crashed a first version whose Winograd buffers were ND4J's (not 64-byte aligned),
     * partial 4x4 tiles (odd sides) and a bias.
     */
    @ParameterizedTest(name = "{0}x{1}x{2}->{3} bias={4}")
    @CsvSource({
            "8, 8, 32, 32, false",  // resnet20's 32-channel stage, small
            "6, 6, 32, 32, false",
            "7, 7, 64, 48, true",   // odd side, 48 filters, bias
            "5, 5, 128, 128, true", // vgg-bn's widest layers
    })
    void winogradMatchesLibnd4jsOps(int height, int width, int in, int out, boolean bias) throws Exception {
        NativeConv.Spec spec = new NativeConv.Spec(out, 3, 1, 1, false, bias, NativeActivation.IDENTITY);
        long[] inShape = {height, width, in};
        Random random = new Random(height * 31L + in);
        NativeConv wino = new NativeConv(DataType.FLOAT, inShape, spec, true);
        NativeConv ops = new NativeConv(DataType.FLOAT, inShape, spec, true);
        for (int batch : new int[]{4, 1, 3}) { // other batch sizes rebuild the primitives
            Supplier<LayerHarness> opsHarness = () -> new LayerHarness(ops, DataType.FLOAT, batch, inShape);
            try (LayerHarness a = new LayerHarness(wino, DataType.FLOAT, batch, inShape);
                 LayerHarness b = Dnnl.turnedOffHere(opsHarness)) {
                assertTrue(wino.callsOneDnn());
                assertEquals(cpuHasAvx512(), wino.winograd(), "Winograd kernels exactly where the CPU has AVX-512");
                double[] params = random(random, (int) wino.numParams());
                a.setParams(params);
                b.setParams(params);
                for (int step = 0; step < 2; step++) {
                    double[] x = random(random, batch * height * width * in);
                    double[] g = random(random, batch * height * width * out);
                    String at = "batch " + batch + " step " + step;
                    assertClose(b.forward(x), a.forward(x), 1e-4, at + " output");
                    assertClose(b.backward(g), a.backward(g), 1e-4, at + " input gradient");
                    assertClose(b.paramGradients(), a.paramGradients(), 1e-4, at + " parameter gradients");
                }
            }
        }
    }

    private static boolean cpuHasAvx512() throws java.io.IOException {
        java.nio.file.Path cpuinfo = java.nio.file.Path.of("/proc/cpuinfo");
        return java.nio.file.Files.exists(cpuinfo) && java.nio.file.Files.readAllLines(cpuinfo).stream()
                .filter(line -> line.startsWith("flags"))
                .anyMatch(line -> java.util.List.of(line.split("\\s+")).containsAll(
                        java.util.List.of("avx512f", "avx512bw", "avx512vl", "avx512dq")));
    }

    @Test
    void winogradOnlyFor3x3StrideOneOf32ChannelsOrMore() {
        assertTrue(Dnnl.takesWinograd(3, 1, 32, 64));
        assertFalse(Dnnl.takesWinograd(3, 1, 16, 16));
        assertFalse(Dnnl.takesWinograd(3, 1, 16, 32));
        assertFalse(Dnnl.takesWinograd(3, 2, 32, 64));
        assertFalse(Dnnl.takesWinograd(1, 1, 64, 64));
        // its blocked copies: vgg-bn's widest, 8 MB each, fit; 64 channels of 224x224 at batch 64 do not
        assertTrue(Dnnl.winogradScratchFits(64, 32, 32, 32, 32));
        assertFalse(Dnnl.winogradScratchFits(64, 224, 224, 64, 64));
    }

    @Test
    void anUnknownWinogradSettingIsAnErrorNamingTheProperty() {
        LayerHarness.withProperty(Dnnl.WINOGRAD_PROPERTY, "fast", () -> {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Dnnl.takesWinograd(3, 1, 32, 32));
            assertEquals("-Dsparkcnn.dnnl.winograd=fast is not one of auto, on, off", e.getMessage());
        });
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
