package dev.sparkcnn.kernels.nativeengine;

import static dev.sparkcnn.kernels.nativeengine.NativeNetworkTest.batches;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.EvalCounts;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import dev.sparkcnn.kernels.PartitionEvaluator;
import dev.sparkcnn.kernels.PartitionTrainer;
import dev.sparkcnn.kernels.TestImages;
import dev.sparkcnn.kernels.TrainResult;
import dev.sparkcnn.kernels.model.DefinitionReader;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.model.NetworkDefinition;
import dev.sparkcnn.kernels.model.ParamArray;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Whole networks with the layers beyond the tutorials (convolution without bias, batch norm and its
 * fused ReLU, strides, a projection residual block, dropout, global average pooling, ELU) compiled
 * by the native engine: their gradients match finite differences, dropout is reproducible and keyed
 * to (seed, partition, iteration), inference uses the running statistics, and they learn.
 */
class NativeBlocksNetworkTest {

    /** Every new layer kind once, small enough for finite differences in double precision. */
    static final String BLOCKS = """
            {"name": "blocks", "weightInit": "uniform", "layers": [
              {"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1, "bias": false, "activation": "identity"},
              {"type": "batchnorm"},
              {"type": "activation", "function": "relu"},
              {"type": "maxpool", "size": 2},
              {"type": "residual", "layers": [
                {"type": "conv2d", "filters": 6, "kernel": 3, "stride": 2, "padding": 1, "bias": false,
                 "activation": "identity"},
                {"type": "batchnorm"},
                {"type": "activation", "function": "relu"},
                {"type": "conv2d", "filters": 6, "kernel": 3, "padding": 1, "bias": false, "activation": "identity"},
                {"type": "batchnorm"}],
               "shortcut": {"type": "projection", "stride": 2}, "activation": "relu"},
              {"type": "residual", "layers": [
                {"type": "conv2d", "filters": 6, "kernel": 3, "padding": 1, "activation": "leaky_relu"}],
               "shortcut": "identity", "activation": "identity"},
              {"type": "dropout", "rate": 0.3},
              {"type": "globalavgpool"},
              {"type": "dense", "units": 5, "activation": "elu"},
              {"type": "dropout", "rate": 0.2},
              {"type": "dense", "units": "classes", "activation": "softmax"}]}
            """;

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    static ModelSpec blocks(int channels, int side, int classes, double learningRate, long seed) {
        NetworkDefinition definition = DefinitionReader.read(BLOCKS, "blocks.json", "blocks");
        return new ModelSpec(definition, channels, side, side, classes, learningRate, seed, null);
    }

    @Test
    void gradientsOfEveryTrainedParameterMatchFiniteDifferences() {
        ModelSpec spec = blocks(2, 8, 3, 1e-3, 5);
        Batch batch = batches(spec, 1, 6).get(0);
        try (NativeNetwork net = new NativeNetwork(spec, DataType.DOUBLE)) {
            net.partition(1);
            double lossSum = net.computeGradient(batch);
            assertEquals(lossSum, net.lossSum(batch), 1e-9 * lossSum, "the same step key draws the same masks");
            double[] gradient = net.gradient();
            long offset = 0;
            int checked = 0;
            for (ParamArray array : spec.layout().arrays()) {
                for (long i = offset; i < offset + array.length(); i++) {
                    double analytic = gradient[(int) i];
                    if (!array.trainable()) {
                        assertEquals(0.0, analytic, "running statistic " + array.name() + " has no gradient");
                        continue;
                    }
                    if ((i - offset) % 7 != 0 && i != offset + array.length() - 1) {
                        continue; // every 7th value and the last of each array keep the test fast
                    }
                    double numeric = numericGradient(net, batch, i);
                    assertEquals(numeric, analytic, 1e-7 + 1e-4 * Math.abs(numeric), array.name() + "[" + (i - offset)
                            + "]");
                    checked++;
                }
                offset += array.length();
            }
            assertEquals(net.numParams(), offset);
            assertTrue(checked > 60, "checked " + checked);
        }
    }

    private static double numericGradient(NativeNetwork net, Batch batch, long index) {
        double h = 1e-5;
        double value = net.param(index);
        net.setParam(index, value + h);
        double plus = net.lossSum(batch);
        net.setParam(index, value - h);
        double minus = net.lossSum(batch);
        net.setParam(index, value);
        return (plus - minus) / (2 * h) / batch.size();
    }

    @Test
    void dropoutIsKeyedBySeedPartitionAndIteration() {
        ModelSpec spec = blocks(1, 8, 2, 1e-2, 3);
        List<Batch> data = batches(spec, 3, 8);
        ModelState a = train(spec, 0, data);
        assertEquals(a, train(spec, 0, data), "the same key trains the same state");
        assertNotEquals(a, train(spec, 1, data), "another partition draws other masks");
        assertNotEquals(a, train(blocks(1, 8, 2, 1e-2, 4), 0, data), "another seed draws other masks");
    }

    private static ModelState train(ModelSpec spec, int partition, List<Batch> data) {
        try (Network net = NetworkFactory.create(spec, "native")) {
            net.partition(partition);
            net.load(net.initialState());
            data.forEach(net::fit);
            return net.state();
        }
    }

    @Test
    void inferenceUsesRunningStatisticsWhichOnlyTrainingMoves() {
        ModelSpec spec = blocks(1, 8, 2, 1e-2, 3);
        List<Batch> data = batches(spec, 2, 8);
        try (Network net = NetworkFactory.create(spec, "native")) {
            net.load(net.initialState());
            float[] before = net.params();
            float[] probabilities = net.predict(data.get(0));
            assertArrayEquals(before, net.params(), "prediction leaves the running statistics alone");
            // inference: each image's probabilities do not depend on the rest of its batch
            Batch first = new Batch(Arrays.copyOf(data.get(0).features(), spec.imageSize()),
                    new int[]{data.get(0).labels()[0]}, 1);
            float[] alone = net.predict(first);
            for (int c = 0; c < 2; c++) {
                assertEquals(probabilities[c], alone[c], 1e-5);
            }
            net.fit(data.get(1));
            float[] after = net.params();
            int mean = runningMeanOffset(spec);
            assertNotEquals(before[mean], after[mean], "a training step moves the running mean");
        }
    }

    private static int runningMeanOffset(ModelSpec spec) {
        long offset = 0;
        for (ParamArray array : spec.layout().arrays()) {
            if (!array.trainable()) {
                return (int) offset;
            }
            offset += array.length();
        }
        throw new AssertionError("no running statistics");
    }

    @ParameterizedTest
    @CsvSource({"vgg-bn,3,32,552874", "vgg-bn,1,28,437610", "resnet20,3,32,274042"}) // PyTorch: parameters + buffers
    void theCatalogueNetworksWithBatchNormCompileAndStep(String model, int channels, int side, long expected) {
        ModelSpec spec = new ModelSpec(model, channels, side, side, 10, 1e-3, 1);
        try (Network net = NetworkFactory.create(spec, "native")) {
            assertEquals(spec.layout().numParams(), net.numParams());
            assertEquals(expected, net.numParams());
            net.load(net.initialState());
            Batch batch = batches(spec, 1, 4).get(0);
            double loss = net.fit(batch).lossSum();
            assertTrue(Double.isFinite(loss) && loss > 0, "loss " + loss);
            assertFalse(Arrays.equals(net.initialState().params(), net.params()));
        }
    }

    @Test
    void learnsDarkVersusBright() {
        ModelSpec spec = blocks(1, 12, 2, 1e-2, 3);
        List<ImageRecord> train = TestImages.darkVsBright(160, spec.imageSize(), 1);
        try (Network net = NetworkFactory.create(spec, "native")) {
            List<Batch> batches = TestImages.batches(train, 16, spec);
            ModelState state = net.initialState();
            for (int epoch = 0; epoch < 3; epoch++) {
                TrainResult result = PartitionTrainer.train(net, state, batches.iterator(), Integer.MAX_VALUE);
                state = result.state();
            }
            List<Batch> test = TestImages.batches(TestImages.darkVsBright(64, spec.imageSize(), 2), 16, spec);
            EvalCounts counts = PartitionEvaluator.evaluate(net, state, test.iterator());
            assertTrue(counts.correct() >= 60, counts.toString());
        }
    }
}
