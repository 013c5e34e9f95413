package dev.sparkcnn.kernels.nativeengine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import dev.sparkcnn.kernels.StepStats;
import dev.sparkcnn.kernels.TestImages;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The native engine splits a batch across the calling thread's native threads: the summed slice
 * gradients must be the whole batch's gradient, predictions must not change, and a step must be
 * repeatable.
 */
class BatchSliceTest {

    @AfterEach
    void oneThread() {
        NativeRuntime.configureThreads(1);
    }

    private static Batch batch(ModelSpec spec, int size, long seed) {
        return TestImages.batches(TestImages.random(size, spec.imageSize(), spec.numClasses(), seed), size, spec).get(0);
    }

    /** In double precision the sliced and whole-batch gradients agree to rounding. */
    @ParameterizedTest
    @CsvSource({"cifar-cnn,3,32,64,2", "simple-cnn,1,28,64,2", "mnist-cnn,1,28,50,3", "simple-cnn,3,32,40,4"})
    void slicedGradientIsTheWholeBatchGradient(String model, int channels, int side, int size, int threads) {
        ModelSpec spec = new ModelSpec(model, channels, side, side, 10, 1e-3, 5);
        Batch batch = batch(spec, size, 3);
        double[] whole;
        double wholeLoss;
        try (NativeNetwork net = new NativeNetwork(spec, DataType.DOUBLE)) {
            NativeRuntime.configureThreads(1);
            wholeLoss = net.computeGradient(batch);
            whole = net.gradient();
        }
        try (NativeNetwork net = new NativeNetwork(spec, DataType.DOUBLE)) {
            NativeRuntime.configureThreads(threads);
            Set<String> before = sliceThreads();
            double loss = net.computeGradient(batch);
            double[] sliced = net.gradient();
            assertTrue(sliceThreads().stream().anyMatch(t -> !before.contains(t)), "the batch ran on slice threads");
            assertEquals(wholeLoss, loss, 1e-9 * Math.abs(wholeLoss));
            double scale = 0;
            for (double g : whole) {
                scale = Math.max(scale, Math.abs(g));
            }
            for (int i = 0; i < whole.length; i++) {
                assertEquals(whole[i], sliced[i], 1e-10 * scale, "gradient " + i);
            }
        }
    }

    @Test
    void slicedPredictionsAndStepsMatchTheWholeBatch() {
        ModelSpec spec = new ModelSpec("cifar-cnn", 3, 32, 32, 10, 1e-3, 5);
        Batch batch = batch(spec, 64, 9);
        float[] wholePrediction;
        ModelState wholeState;
        try (Network net = NetworkFactory.create(spec, "native")) {
            NativeRuntime.configureThreads(1);
            wholePrediction = net.predict(batch);
            net.fit(batch);
            wholeState = net.state();
        }
        try (Network net = NetworkFactory.create(spec, "native");
             Network again = NetworkFactory.create(spec, "native")) {
            NativeRuntime.configureThreads(2);
            assertArrayEquals(wholePrediction, net.predict(batch), 1e-6f, "predictions, batch in 2 slices");
            StepStats step = net.fit(batch);
            again.fit(batch);
            assertEquals(64, step.examples());
            assertTrue(wholeState.maxAbsDifference(net.state()) < 1e-5,
                    "a sliced step is the whole-batch step: " + wholeState.maxAbsDifference(net.state()));
            assertEquals(net.state(), again.state(), "sliced steps are repeatable bit for bit");
            assertEquals(2, NativeRuntime.requestedThreads(), "the thread's request is kept");
        }
    }

    /** A slice that fails (here: a bad label in either half) fails the step without hanging the others. */
    @ParameterizedTest
    @CsvSource({"3", "40"})
    void aFailingSliceFailsTheStep(int badRow) {
        ModelSpec spec = new ModelSpec("simple-cnn", 3, 32, 32, 10, 1e-3, 5);
        Batch good = batch(spec, 64, 13);
        int[] labels = good.labels().clone();
        labels[badRow] = 10;
        Batch bad = new Batch(good.features(), labels, good.size());
        try (Network net = NetworkFactory.create(spec, "native")) {
            NativeRuntime.configureThreads(2);
            ModelState before = net.state();
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    java.time.Duration.ofSeconds(30),
                    () -> org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                            () -> net.fit(bad)));
            assertTrue(e.getMessage().contains("label 10 of batch row " + badRow + " "), e.getMessage());
            assertEquals(before, net.state(), "a failed step changes nothing");
            assertEquals(64, net.fit(good).examples(), "the network still trains");
        }
    }

    @Test
    void smallBatchesAreNotSliced() {
        ModelSpec spec = new ModelSpec("simple-cnn", 1, 28, 28, 10, 1e-3, 5);
        try (NativeNetwork net = new NativeNetwork(spec, DataType.FLOAT)) {
            NativeRuntime.configureThreads(2);
            Set<String> before = sliceThreads();
            net.computeGradient(batch(spec, NativeNetwork.MIN_SLICE * 2 - 1, 4));
            assertTrue(sliceThreads().stream().allMatch(before::contains),
                    "fewer than 2 x " + NativeNetwork.MIN_SLICE + " examples: one slice, no slice thread");
        }
    }

    private static Set<String> sliceThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("sparkcnn-slice"))
                .map(t -> t.getName() + "#" + t.getId()).collect(Collectors.toSet());
    }
}
