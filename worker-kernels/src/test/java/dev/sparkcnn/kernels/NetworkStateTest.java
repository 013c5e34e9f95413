package dev.sparkcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.kernels.model.ModelSpec;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Flat state in and out: determinism, round trips, and that training resumes exactly. */
class NetworkStateTest {

    private static final int K = 3;

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    private static ModelSpec spec(String model, long seed) {
        // a high learning rate makes every step move the parameters visibly
        return new ModelSpec(model, 3, 32, 32, 10, 0.01, seed);
    }

    private static List<Batch> batches(ModelSpec spec, int count) {
        return TestImages.batches(TestImages.random(8 * count, spec.imageSize(), 10, 99), 8, spec);
    }

    private static ModelState run(Network net, ModelState start, List<Batch> batches) {
        return PartitionTrainer.train(net, start, batches.iterator(), batches.size()).state();
    }

    @Test
    void initialStateIsDeterministicPerSeed() {
        try (Network a = NetworkFactory.create(spec("cifar-cnn", 1), "dl4j");
             Network b = NetworkFactory.create(spec("cifar-cnn", 1), "dl4j");
             Network c = NetworkFactory.create(spec("cifar-cnn", 2), "dl4j")) {
            ModelState first = a.initialState();
            assertEquals(first, b.initialState());
            assertEquals(0, first.iteration());
            assertTrue(first.maxAbsDifference(c.initialState()) > 0.01);
            for (float v : first.updaterState()) {
                assertEquals(0f, v);
            }
            // training does not change what initialState returns
            a.fit(batches(a.spec(), 1).get(0));
            assertNotEquals(first, a.state());
            assertEquals(first, a.initialState());
        }
    }

    @Test
    void stateRoundTripsAndCountsIterations() {
        try (Network net = NetworkFactory.create(spec("mnist-cnn", 3), "dl4j")) {
            List<Batch> batches = batches(net.spec(), 2);
            ModelState trained = run(net, net.initialState(), batches);
            assertEquals(2, trained.iteration());
            assertTrue(trained.maxAbsDifference(net.initialState()) > 1e-4);
            net.load(net.initialState());
            assertEquals(net.initialState(), net.state());
            net.load(trained);
            assertEquals(trained, net.state());
        }
    }

    @Test
    void fitReportsSummedCrossEntropyOfTheParametersBeforeTheStep() {
        try (Network net = NetworkFactory.create(spec("cifar-cnn", 4).withLearningRate(1e-3), "dl4j")) {
            Batch batch = batches(net.spec(), 1).get(0);
            double before = net.loss(batch, net.predict(batch));
            StepStats step = net.fit(batch);
            assertEquals(8, step.examples());
            assertEquals(before, step.lossSum(), 1e-4 * before);
            assertTrue(net.loss(batch, net.predict(batch)) < before, "one step on the batch lowers its loss");
        }
    }

    @Test
    void loadRejectsStateOfAnotherShape() {
        try (Network small = NetworkFactory.create(new ModelSpec("simple-cnn", 1, 8, 8, 2, 1e-3, 1), "dl4j");
             Network big = NetworkFactory.create(spec("simple-cnn", 1), "dl4j")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> big.load(small.initialState()));
            assertTrue(e.getMessage().contains("simple-cnn"), e.getMessage());
        }
    }

    /**
     * 2k steps straight equal k steps, state out, load into a new network, k more steps; and the
     * check is sensitive: dropping the updater state or the iteration count changes the result.
     */
    @ParameterizedTest
    @ValueSource(strings = {"cifar-cnn", "simple-cnn"})
    void trainingResumesExactlyInANewNetwork(String model) {
        ModelSpec spec = spec(model, 11);
        List<Batch> batches = batches(spec, 2 * K);
        ModelState straight;
        ModelState half;
        try (Network net = NetworkFactory.create(spec, "dl4j")) {
            straight = run(net, net.initialState(), batches);
            half = run(net, net.initialState(), batches.subList(0, K));
        }
        assertEquals(2 * K, straight.iteration());
        assertEquals(K, half.iteration());
        try (Network fresh = NetworkFactory.create(spec, "dl4j")) {
            ModelState resumed = run(fresh, half, batches.subList(K, 2 * K));
            assertEquals(2 * K, resumed.iteration());
            assertTrue(straight.maxAbsDifference(resumed) < 1e-5,
                    "resumed differs by " + straight.maxAbsDifference(resumed));

            ModelState noMomentum = new ModelState(half.params(), new float[half.updaterState().length], K);
            assertTrue(straight.maxAbsDifference(run(fresh, noMomentum, batches.subList(K, 2 * K))) > 1e-4,
                    "the updater state must matter");
            if (model.equals("cifar-cnn")) { // Adam's bias correction reads the iteration count
                ModelState iterationZero = new ModelState(half.params(), half.updaterState(), 0);
                ModelState wrong = run(fresh, iterationZero, batches.subList(K, 2 * K));
                assertTrue(straight.maxAbsDifference(wrong) > 1e-4, "the iteration count must matter");
            }
        }
    }

    @Test
    void reusedNetworkStartsOverCleanly() {
        ModelSpec spec = spec("mnist-cnn", 5);
        List<Batch> batches = batches(spec, 2);
        try (Network reused = NetworkFactory.create(spec, "dl4j");
             Network fresh = NetworkFactory.create(spec, "dl4j")) {
            run(reused, reused.initialState(), batches); // an earlier task on this thread
            ModelState again = run(reused, reused.initialState(), batches);
            ModelState once = run(fresh, fresh.initialState(), batches);
            assertTrue(once.maxAbsDifference(again) < 1e-5, "differs by " + once.maxAbsDifference(again));
        }
    }

    @Test
    void closedNetworkRefusesWork() {
        Network net = NetworkFactory.create(new ModelSpec("simple-cnn", 1, 8, 8, 2, 1e-3, 1), "dl4j");
        ModelState initial = net.initialState();
        net.close();
        net.close();
        assertThrows(IllegalStateException.class, () -> net.load(initial));
    }
}
