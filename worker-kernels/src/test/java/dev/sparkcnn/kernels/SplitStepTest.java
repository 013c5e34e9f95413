package dev.sparkcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.kernels.model.ModelSpec;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code fit} split into gradient, optimizer and apply (what synchronous gradient sharing runs
 * between replicas) must be {@code fit}, on both engines and for every optimizer.
 */
class SplitStepTest {

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    private static ModelSpec spec(String model, String optimizer) {
        return new ModelSpec(model, 3, 32, 32, 10, 0.01, 5, optimizer);
    }

    private static List<Batch> batches(ModelSpec spec) {
        return TestImages.batches(TestImages.random(24, spec.imageSize(), 10, 17), 8, spec);
    }

    @ParameterizedTest
    @CsvSource({"native,cifar-cnn,adam", "native,simple-cnn,nesterovs", "native,mnist-cnn,sgd",
            "dl4j,cifar-cnn,adam", "dl4j,simple-cnn,nesterovs", "dl4j,mnist-cnn,sgd"})
    void splitStepsEqualFit(String engine, String model, String optimizer) {
        try (Network whole = NetworkFactory.create(spec(model, optimizer), engine);
             Network split = NetworkFactory.create(spec(model, optimizer), engine)) {
            float[] g = new float[(int) split.numParams()];
            for (Batch batch : batches(whole.spec())) {
                StepStats stats = whole.fit(batch);
                StepStats splitStats = split.computeGradient(batch, g);
                assertEquals(stats.lossSum(), splitStats.lossSum(), 1e-4 * Math.abs(stats.lossSum()));
                assertEquals(stats.correct(), splitStats.correct(), "the same right answers");
                split.toUpdate(g);
                split.applyUpdate(g);
            }
            ModelState a = whole.state();
            ModelState b = split.state();
            assertEquals(a.iteration(), b.iteration());
            assertTrue(a.maxAbsDifference(b) < 1e-6, engine + " " + model + " differs by " + a.maxAbsDifference(b));
            assertTrue(a.maxAbsDifference(whole.initialState()) > 1e-3, "the steps moved the parameters");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "dl4j"})
    void gradientLeavesTheStateAloneAndIsTheMeanOverTheBatch(String engine) {
        try (Network net = NetworkFactory.create(spec("simple-cnn", "sgd"), engine);
             Network other = NetworkFactory.create(spec("simple-cnn", "sgd"), "native".equals(engine) ? "dl4j" : "native")) {
            Batch batch = batches(net.spec()).get(0);
            ModelState before = net.state();
            float[] g = new float[(int) net.numParams()];
            float[] h = new float[(int) net.numParams()];
            net.computeGradient(batch, g);
            assertEquals(before, net.state());
            other.computeGradient(batch, h);
            // both engines agree on scale, so the seam's gradient is the same mean whichever runs
            double maxG = 0;
            double maxDiff = 0;
            for (int i = 0; i < g.length; i++) {
                maxG = Math.max(maxG, Math.abs(g[i]));
                maxDiff = Math.max(maxDiff, Math.abs(g[i] - h[i]));
            }
            assertTrue(maxG > 1e-4, "gradient is not zero");
            assertTrue(maxDiff < 1e-4 * Math.max(1, maxG), "engines disagree by " + maxDiff + " (max " + maxG + ")");
            // plain SGD: the update is the learning rate times the gradient
            float[] u = g.clone();
            net.toUpdate(u);
            for (int i = 0; i < g.length; i += 97) {
                assertEquals(0.01f * g[i], u[i], 1e-7f + 1e-5f * Math.abs(u[i]));
            }
            assertEquals(1, net.state().iteration());
            assertArrayEquals(before.params(), net.params());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "dl4j"})
    void wrongVectorLengthIsRejected(String engine) {
        try (Network net = NetworkFactory.create(spec("simple-cnn", "sgd"), engine)) {
            assertThrows(IllegalArgumentException.class, () -> net.applyUpdate(new float[3]));
        }
    }

    @org.junit.jupiter.api.Test
    void unknownOptimizerIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> spec("simple-cnn", "rmsprop"));
        assertTrue(e.getMessage().contains("rmsprop"), e.getMessage());
    }
}
