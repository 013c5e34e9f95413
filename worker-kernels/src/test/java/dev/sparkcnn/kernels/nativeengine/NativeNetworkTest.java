package dev.sparkcnn.kernels.nativeengine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import dev.sparkcnn.kernels.StepStats;
import dev.sparkcnn.kernels.TestImages;
import dev.sparkcnn.kernels.TrainResult;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Engine {@code native} against engine {@code dl4j} as the oracle: the same state in gives the same
 * predictions, losses and state out, step after step; plus finite-difference gradients and learning.
 */
class NativeNetworkTest {

    private static final int STEPS = 4;

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    private static List<Batch> batches(ModelSpec spec, int count, int size) {
        return TestImages.batches(TestImages.random(size * count, spec.imageSize(), spec.numClasses(), 99), size,
                spec);
    }

    /** The largest |a - b| relative to the largest |a| (so tiny values do not dominate). */
    private static double relativeDifference(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double scale = 0;
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            scale = Math.max(scale, Math.abs(a[i]));
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return scale == 0 ? max : max / scale;
    }

    @ParameterizedTest
    @CsvSource({"simple-cnn,3,32,0.01", "mnist-cnn,1,28,0.001", "cifar-cnn,3,32,0.001"})
    void matchesDl4jStepForStep(String model, int channels, int side, double learningRate) {
        ModelSpec spec = new ModelSpec(model, channels, side, side, 10, learningRate, 21);
        List<Batch> batches = batches(spec, STEPS, 8);
        try (Network dl4j = NetworkFactory.create(spec, "dl4j");
             Network nat = NetworkFactory.create(spec, "native")) {
            assertEquals("native", nat.engine());
            assertEquals(dl4j.numParams(), nat.numParams());
            assertEquals(dl4j.updaterStateSize(), nat.updaterStateSize());
            assertEquals(dl4j.initialState(), nat.initialState(), "the same seed draws the same parameters");
            ModelState start = dl4j.initialState();
            dl4j.load(start);
            nat.load(start);
            double predictionDiff = relativeDifference(dl4j.predict(batches.get(0)), nat.predict(batches.get(0)));
            assertTrue(predictionDiff < 1e-5, "predictions differ by " + predictionDiff);
            for (Batch batch : batches) {
                StepStats expected = dl4j.fit(batch);
                StepStats actual = nat.fit(batch);
                assertEquals(expected.lossSum(), actual.lossSum(), 1e-4 * expected.lossSum());
            }
            ModelState expected = dl4j.state();
            ModelState actual = nat.state();
            assertEquals(STEPS, actual.iteration());
            double paramDiff = relativeDifference(expected.params(), actual.params());
            assertTrue(paramDiff < 1e-4, "parameters differ by " + paramDiff);
            double moved = relativeDifference(start.params(), expected.params());
            assertTrue(moved > 100 * paramDiff, "the check is sensitive: training moved params by " + moved);
            // each block of updater state on its own scale (Adam's second moments are far smaller than its first)
            int n = expected.params().length;
            for (int block = 0; block < expected.updaterState().length / n; block++) {
                float[] want = Arrays.copyOfRange(expected.updaterState(), block * n, (block + 1) * n);
                float[] got = Arrays.copyOfRange(actual.updaterState(), block * n, (block + 1) * n);
                double diff = relativeDifference(want, got);
                assertTrue(diff < 1e-4, "updater state block " + block + " differs by " + diff);
            }
            double afterDiff = relativeDifference(dl4j.predict(batches.get(0)), nat.predict(batches.get(0)));
            assertTrue(afterDiff < 1e-4, "predictions after training differ by " + afterDiff);
        }
    }

    /** Every model on grey and colour inputs, including sizes where pooling drops a remainder row. */
    @ParameterizedTest
    @CsvSource({"simple-cnn,3,32", "simple-cnn,1,28", "mnist-cnn,3,32", "mnist-cnn,1,28", "cifar-cnn,3,32",
            "cifar-cnn,1,28", "cifar-cnn,2,19"})
    void predictsAsDl4jOnEveryShape(String model, int channels, int side) {
        ModelSpec spec = new ModelSpec(model, channels, side, side, 7, 1e-3, 13);
        Batch batch = batches(spec, 1, 3).get(0);
        try (Network dl4j = NetworkFactory.create(spec, "dl4j");
             Network nat = NetworkFactory.create(spec, "native")) {
            assertEquals(dl4j.initialState(), nat.initialState());
            double diff = relativeDifference(dl4j.predict(batch), nat.predict(batch));
            assertTrue(diff < 1e-5, "predictions differ by " + diff);
        }
    }

    /** Central differences in double precision, for a few parameters of every parameterised layer. */
    @ParameterizedTest
    @CsvSource({"simple-cnn,2,8", "mnist-cnn,1,14", "cifar-cnn,2,18"})
    void gradientsMatchFiniteDifferences(String model, int channels, int side) {
        ModelSpec spec = new ModelSpec(model, channels, side, side, 3, 1e-3, 5);
        Batch batch = batches(spec, 1, 4).get(0);
        try (NativeNetwork net = new NativeNetwork(spec, DataType.DOUBLE)) {
            double lossSum = net.computeGradient(batch);
            assertTrue(lossSum > 0);
            double[] gradient = net.gradient();
            List<NativeLayer> layers = NativeModels.layers(spec, DataType.DOUBLE);
            long offset = 0;
            int checked = 0;
            for (NativeLayer layer : layers) {
                long n = layer.numParams();
                if (n > 0) {
                    // the first and last parameter with a gradient (bias and weights at either end of the
                    // layer's block, in both layouts) and the one with the largest gradient
                    for (long index : interesting(gradient, offset, offset + n)) {
                        double numeric = numericGradient(net, batch, index);
                        double analytic = gradient[(int) index];
                        assertEquals(numeric, analytic, 1e-7 + 1e-4 * Math.abs(numeric),
                                "parameter " + index + " of " + layer.getClass().getSimpleName());
                        checked++;
                    }
                }
                offset += n;
            }
            assertEquals(offset, net.numParams());
            assertEquals(3 * layers.stream().filter(l -> l.numParams() > 0).count(), checked);
        }
    }

    private static long[] interesting(double[] gradient, long from, long to) {
        long first = -1;
        long last = -1;
        long largest = from;
        for (long i = from; i < to; i++) {
            double g = Math.abs(gradient[(int) i]);
            if (g > 1e-6) {
                first = first < 0 ? i : first;
                last = i;
            }
            largest = g > Math.abs(gradient[(int) largest]) ? i : largest;
        }
        assertTrue(first >= 0, "no gradient in parameters " + from + ".." + to);
        return new long[]{first, last, largest};
    }

    private static double numericGradient(NativeNetwork net, Batch batch, long index) {
        double h = 1e-5;
        double value = net.param(index);
        net.setParam(index, value + h);
        double plus = net.lossSum(batch);
        net.setParam(index, value - h);
        double minus = net.lossSum(batch);
        net.setParam(index, value);
        return (plus - minus) / (2 * h) / batch.size(); // the gradient is of the mean loss
    }

    @ParameterizedTest
    @CsvSource({"mnist-cnn,0.001", "simple-cnn,0.01", "cifar-cnn,0.001"})
    void learnsDarkVersusBright(String model, double learningRate) {
        ModelSpec spec = new ModelSpec(model, 1, 18, 18, 2, learningRate, 3);
        List<ImageRecord> train = TestImages.darkVsBright(168, spec.imageSize(), 1);
        try (Network net = NetworkFactory.create(spec, "native")) {
            List<Batch> batches = TestImages.batches(train, 16, spec); // 10 full batches and one of 8
            ModelState state = net.initialState();
            double firstLoss = Double.NaN;
            double lastLoss = Double.NaN;
            for (int epoch = 0; epoch < 3; epoch++) {
                TrainResult result = PartitionTrainer.train(net, state, batches.iterator(), Integer.MAX_VALUE);
                state = result.state();
                firstLoss = epoch == 0 ? result.meanLoss() : firstLoss;
                lastLoss = result.meanLoss();
            }
            assertEquals(33, state.iteration());
            assertTrue(lastLoss < 0.5 * firstLoss, "loss " + firstLoss + " -> " + lastLoss);
            List<Batch> test = TestImages.batches(TestImages.darkVsBright(64, spec.imageSize(), 2), 10, spec);
            EvalCounts counts = PartitionEvaluator.evaluate(net, state, test.iterator());
            assertTrue(counts.correct() >= 60, counts.toString());
        }
    }

    @Test
    void aStepCountsTheExamplesItClassifiedRightBeforeItsUpdate() {
        ModelSpec spec = new ModelSpec("simple-cnn", 3, 8, 8, 3, 1e-2, 3);
        Batch batch = batches(spec, 1, 32).get(0);
        try (Network net = NetworkFactory.create(spec, "native")) {
            ModelState start = net.initialState();
            EvalCounts before = PartitionEvaluator.evaluate(net, start, List.of(batch).iterator());
            net.load(start);
            StepStats step = net.fit(batch);
            assertEquals(before.correct(), step.correct(), "the evaluator's count on the same state");
            assertEquals(32, step.examples());
        }
        try (Network dl4j = NetworkFactory.create(spec, "dl4j")) {
            dl4j.load(dl4j.initialState());
            assertEquals(-1, dl4j.fit(batch).correct(), "dl4j's fit does not expose its outputs");
        }
    }

    @Test
    void stateRoundTripsAndClosedNetworkRefusesWork() {
        ModelSpec spec = new ModelSpec("cifar-cnn", 3, 18, 18, 4, 1e-2, 8);
        Network net = NetworkFactory.create(spec, "native");
        Batch batch = batches(spec, 1, 5).get(0);
        ModelState initial = net.initialState();
        float[] before = net.predict(batch);
        net.fit(batch);
        ModelState trained = net.state();
        assertEquals(1, trained.iteration());
        assertEquals(initial, net.initialState(), "training does not change the initial state");
        assertTrue(trained.maxAbsDifference(initial) > 1e-4);
        net.load(initial);
        assertEquals(initial, net.state());
        assertArrayEquals(before, net.predict(batch));
        net.load(trained);
        assertEquals(trained, net.state());
        assertThrows(IllegalArgumentException.class,
                () -> net.load(new ModelState(new float[3], new float[6], 0)));
        net.close();
        net.close();
        assertThrows(IllegalStateException.class, () -> net.load(initial));
    }
}
