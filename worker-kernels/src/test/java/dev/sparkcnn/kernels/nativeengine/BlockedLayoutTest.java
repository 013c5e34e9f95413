package dev.sparkcnn.kernels.nativeengine;

import static dev.sparkcnn.kernels.nativeengine.LayerHarness.random;
import static dev.sparkcnn.kernels.nativeengine.NativeNetworkTest.relativeDifference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.model.DefinitionReader;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.model.NetworkDefinition;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Activations handed on in oneDNN's blocked layout ({@link Dnnl#layoutBlock}): a residual network
 * whose layers all run blocked trains and predicts as libnd4j's ops do on NHWC; networks with a
 * layer on libnd4j's ops stay NHWC; and the Winograd kernels run in place on blocked arrays that
 * are 64-byte aligned, taking copies otherwise, with the same results either way.
 */
class BlockedLayoutTest {

    /**
     * Two stages of {@code W} and {@code 2W} channels, identity and projection blocks, then a 3x3
     * convolution to 12 channels (no whole blocks) before the pooling. With AVX-512's 16-channel
     * blocks and W = 16 every convolution but the last has both sides blocked or both NHWC; with
     * W = 32 (or AVX2's 8-channel blocks) the first has its output blocked and its input not, and
     * the last the other way round: those run NHWC and reorder the blocked side.
     */
    static final String RESIDUAL = """
            {"name": "blocked", "layers": [
              {"type": "conv2d", "filters": W, "kernel": 3, "padding": 1, "bias": false, "activation": "identity"},
              {"type": "batchnorm"}, {"type": "activation", "function": "relu"},
              {"type": "residual", "layers": [
                {"type": "conv2d", "filters": W, "kernel": 3, "padding": 1, "bias": false, "activation": "identity"},
                {"type": "batchnorm"}, {"type": "activation", "function": "relu"},
                {"type": "conv2d", "filters": W, "kernel": 3, "padding": 1, "bias": false, "activation": "identity"},
                {"type": "batchnorm"}], "shortcut": "identity", "activation": "relu"},
              {"type": "residual", "layers": [
                {"type": "conv2d", "filters": 2W, "kernel": 3, "stride": 2, "padding": 1, "bias": false,
                 "activation": "identity"},
                {"type": "batchnorm"}, {"type": "activation", "function": "relu"},
                {"type": "conv2d", "filters": 2W, "kernel": 3, "padding": 1, "bias": false, "activation": "identity"},
                {"type": "batchnorm"}], "shortcut": {"type": "projection", "stride": 2}, "activation": "relu"},
              {"type": "residual", "layers": [
                {"type": "conv2d", "filters": 2W, "kernel": 3, "padding": 1, "activation": "identity"},
                {"type": "batchnorm"}, {"type": "activation", "function": "relu"},
                {"type": "conv2d", "filters": 2W, "kernel": 3, "padding": 1, "bias": false, "activation": "identity"},
                {"type": "batchnorm"}], "shortcut": "identity", "activation": "relu"},
              {"type": "conv2d", "filters": 12, "kernel": 3, "padding": 1, "activation": "relu"},
              {"type": "globalavgpool"},
              {"type": "dense", "units": "classes", "activation": "softmax"}]}
            """;

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(2);
    }

    @ParameterizedTest(name = "W={0}")
    @CsvSource({"16", "32"})
    void aResidualNetworkRunsBlockedAndMatchesLibnd4jsOps(int width) {
        assumeTrue(Dnnl.layoutBlock() > 0, "no blocked layout here: " + Dnnl.unavailableReason());
        NetworkDefinition definition = DefinitionReader.read(
                RESIDUAL.replace("2W", String.valueOf(2 * width)).replace("W", String.valueOf(width)),
                "blocked.json", "blocked");
        ModelSpec spec = new ModelSpec(definition, 3, 12, 12, 4, 0.05, 3, "sgd");
        // a smaller last batch, as at the end of a partition: every array and primitive is rebuilt
        List<Batch> batches = new java.util.ArrayList<>(NativeNetworkTest.batches(spec, 3, 8));
        batches.add(NativeNetworkTest.batches(spec, 1, 5).get(0));
        try (NativeNetwork blocked = new NativeNetwork(spec);
             NativeNetwork ops = Dnnl.turnedOffHere(() -> new NativeNetwork(spec))) {
            assertEquals(Dnnl.channelBlock(), blocked.channelBlock(), "every layer runs blocked");
            assertEquals(0, ops.channelBlock());
            for (int step = 0; step < batches.size(); step++) {
                Batch batch = batches.get(step);
                double a = blocked.fit(batch).lossSum();
                double b = Dnnl.turnedOffHere(() -> ops.fit(batch)).lossSum();
                assertEquals(b, a, 1e-4 * Math.abs(b), "loss, step " + step);
                double params = relativeDifference(Dnnl.turnedOffHere(ops::params), blocked.params());
                assertTrue(params < 1e-4, "parameters and running statistics after step " + step + ": " + params);
            }
            // inference: the running statistics, the same arrays handed on blocked
            double predictions = relativeDifference(Dnnl.turnedOffHere(() -> ops.predict(batches.get(0))),
                    blocked.predict(batches.get(0)));
            assertTrue(predictions < 1e-4, "predictions " + predictions);
        }
    }

    @ParameterizedTest
    @CsvSource({"vgg-bn,3,32", "cifar-cnn,3,32", "mnist-cnn,1,28", "simple-cnn,3,32"})
    void networksWithPoolingStayNhwc(String model, int channels, int side) {
        try (NativeNetwork net = new NativeNetwork(new ModelSpec(model, channels, side, side, 10, 1e-3, 1))) {
            assertEquals(0, net.channelBlock());
        }
    }

    @Test
    void resnet20RunsBlockedWhereOneDnnCan() {
        try (NativeNetwork net = new NativeNetwork(new ModelSpec("resnet20", 3, 32, 32, 10, 1e-3, 1))) {
            assertEquals(Dnnl.layoutBlock(), net.channelBlock());
        }
    }

    @Test
    void anUnknownLayoutSettingIsAnErrorNamingTheProperty() {
        LayerHarness.withProperty(Dnnl.BLOCKED_PROPERTY, "on", () -> {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    Dnnl::layoutBlock);
            assertEquals("-Dsparkcnn.dnnl.blocked=on is not one of auto, off", e.getMessage());
        });
    }

    @Test
    void offKeepsResnet20Nhwc() {
        LayerHarness.withProperty(Dnnl.BLOCKED_PROPERTY, "off", () -> {
            try (NativeNetwork net = new NativeNetwork(new ModelSpec("resnet20", 3, 32, 32, 10, 1e-3, 1))) {
                assertEquals(0, net.channelBlock());
            }
        });
    }

    /**
     * 32 -> 32 channels at 6x6, blocked on both sides: Winograd on 64-byte aligned arrays (in place)
     * and on arrays 16 bytes off (through its copies) against the direct kernels on the same arrays.
     */
    @ParameterizedTest(name = "aligned={0}")
    @CsvSource({"true", "false"})
    void winogradRunsInPlaceOnAlignedBlockedArrays(boolean aligned) {
        assumeTrue(Dnnl.layoutBlock() == 16, "Winograd's kernels are for AVX-512");
        int batch = 4;
        long side = 6;
        long channels = 32;
        long[] in = {side, side, channels};
        long activation = batch * side * side * channels;
        long weightCount = channels * channels * 9;
        Random random = new Random(aligned ? 11 : 12);
        try (DnnlWinogradConv winograd = new DnnlWinogradConv(batch, in, channels, true, true, true, true);
             DnnlConv direct = new DnnlConv(batch, in, in, 3, 1, new long[]{1, 1, 1, 1}, true, true, true, true)) {
            INDArray x = array(activation, aligned, random);
            INDArray weights = array(weightCount, aligned, random);
            INDArray bias = array(channels, aligned, random);
            INDArray g = array(activation, aligned, random);
            INDArray[] fromWinograd = {array(activation, aligned, null), array(activation, aligned, null),
                    array(weightCount, aligned, null), array(channels, aligned, null)};
            INDArray[] fromDirect = {array(activation, aligned, null), array(activation, aligned, null),
                    array(weightCount, aligned, null), array(channels, aligned, null)};
            winograd.forward(x, weights, bias, fromWinograd[0]);
            assertEquals(aligned, winograd.ranInPlace(), "in place exactly when aligned");
            winograd.backward(x, weights, g, fromWinograd[1], fromWinograd[2], fromWinograd[3]);
            assertEquals(!aligned, winograd.tookCopies(), "the activations' copies made only when needed");
            direct.forward(x, weights, bias, fromDirect[0]);
            direct.backward(x, weights, g, fromDirect[1], fromDirect[2], fromDirect[3]);
            String[] names = {"output", "input gradient", "weight gradient", "bias gradient"};
            for (int i = 0; i < names.length; i++) {
                double difference = relativeDifference(fromDirect[i].toFloatVector(), fromWinograd[i].toFloatVector());
                assertTrue(difference < 1e-4, names[i] + ": " + difference);
            }
        }
    }

    /** {@code length} floats in a buffer of their own, starting 64-byte aligned or 16 bytes off one; random if given a generator. */
    private static INDArray array(long length, boolean aligned, Random random) {
        INDArray buffer = Nd4j.create(DataType.FLOAT, length + 32);
        long misalignment = Dnnl.address(buffer).address() % 64 / Float.BYTES;
        long offset = (16 - misalignment) % 16 + (aligned ? 0 : 4);
        INDArray view = NativeLayer.view(buffer, offset, length);
        assertEquals(aligned, Dnnl.address(view).address() % 64 == 0);
        if (random != null) {
            double[] values = random(random, (int) length);
            for (int i = 0; i < length; i++) {
                view.putScalar(i, values[i]);
            }
        }
        return view;
    }
}
