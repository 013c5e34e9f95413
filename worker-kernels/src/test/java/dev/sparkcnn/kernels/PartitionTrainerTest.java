package dev.sparkcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.kernels.model.ModelSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionTrainerTest {

    /** Counts steps in params[0]; each step's loss is the batch size times {@code lossPerExample}. */
    private static class CountingNetwork implements Network {
        private final ModelSpec spec = new ModelSpec("simple-cnn", 1, 4, 4, 2, 0.1, 1);
        private final double lossPerExample;
        private ModelState state;
        ModelState loaded;

        CountingNetwork(double lossPerExample) {
            this.lossPerExample = lossPerExample;
        }

        @Override public ModelSpec spec() { return spec; }
        @Override public String engine() { return "counting"; }
        @Override public long numParams() { return 1; }
        @Override public long updaterStateSize() { return 0; }
        @Override public ModelState initialState() { return new ModelState(new float[1], new float[0], 0); }
        @Override public void load(ModelState s) { loaded = s; state = s.copy(); }
        @Override public ModelState state() { return state.copy(); }
        @Override public float[] predict(Batch batch) { return new float[batch.size() * 2]; }
        @Override public void close() { }
        @Override public float[] params() { return state.params().clone(); }
        @Override public void loadParams(float[] p) { state = new ModelState(p.clone(), new float[0], state.iteration()); }

        @Override
        public StepStats computeGradient(Batch batch, float[] gradient) {
            gradient[0] = -1;
            return new StepStats(lossPerExample * batch.size(), batch.size());
        }

        @Override
        public void toUpdate(float[] gradient) {
            state = new ModelState(state.params(), new float[0], state.iteration() + 1);
        }

        @Override
        public void applyUpdate(float[] update) {
            state = new ModelState(new float[]{state.params()[0] - update[0]}, new float[0], state.iteration());
        }

        @Override
        public StepStats fit(Batch batch) {
            state = new ModelState(new float[]{state.params()[0] + 1}, new float[0], state.iteration() + 1);
            return new StepStats(lossPerExample * batch.size(), batch.size());
        }
    }

    private static List<Batch> batches(int... sizes) {
        List<Batch> batches = new ArrayList<>();
        for (int size : sizes) {
            batches.add(new Batch(new float[size * 16], new int[size], size));
        }
        return batches;
    }

    @Test
    void stopsAfterMaxSteps() {
        CountingNetwork net = new CountingNetwork(0.5);
        ModelState start = new ModelState(new float[]{10}, new float[0], 7);
        Iterator<Batch> it = batches(4, 4, 4, 4, 3).iterator();
        TrainResult result = PartitionTrainer.train(net, start, it, 3);
        assertSame(start, net.loaded);
        assertEquals(3, result.steps());
        assertEquals(12, result.examples());
        assertEquals(6.0, result.lossSum(), 1e-12);
        assertEquals(0.5, result.meanLoss(), 1e-12);
        assertEquals(13f, result.state().params()[0]);
        assertEquals(10, result.state().iteration());
        assertTrue(it.hasNext(), "the remaining batches are left for the next round");
    }

    @Test
    void trainingAccuracyIsSummedOverStepsAndUnknownOnceAStepDidNotMeasureIt() {
        CountingNetwork measuring = new CountingNetwork(1) {
            @Override
            public StepStats fit(Batch batch) {
                StepStats s = super.fit(batch);
                return new StepStats(s.lossSum(), s.examples(), batch.size() - 1);
            }
        };
        TrainResult result = PartitionTrainer.train(measuring, measuring.initialState(), batches(4, 4, 2).iterator(),
                10);
        assertEquals(7, result.correct());
        assertEquals(0.7, result.accuracy(), 1e-12);

        TrainResult unmeasured = PartitionTrainer.train(new CountingNetwork(1), new CountingNetwork(1).initialState(),
                batches(4, 4).iterator(), 10);
        assertEquals(-1, unmeasured.correct());
        assertTrue(Double.isNaN(unmeasured.accuracy()));
    }

    @Test
    void stopsEarlyWhenBatchesRunOut() {
        Iterator<Batch> it = batches(4, 4, 3).iterator();
        TrainResult result = PartitionTrainer.train(new CountingNetwork(1), new CountingNetwork(1).initialState(),
                it, 100);
        assertEquals(3, result.steps());
        assertEquals(11, result.examples()); // the partial batch counts its real size
        assertEquals(11.0, result.lossSum(), 1e-12);
        assertFalse(it.hasNext());
    }

    @Test
    void noBatchesReturnsTheStartState() {
        CountingNetwork net = new CountingNetwork(1);
        TrainResult result = PartitionTrainer.train(net, net.initialState(), batches().iterator(), 5);
        assertEquals(0, result.steps());
        assertEquals(net.initialState(), result.state());
        assertTrue(Double.isNaN(result.meanLoss()));
    }

    @Test
    void divergenceFailsWithAHint() {
        CountingNetwork net = new CountingNetwork(Double.NaN);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PartitionTrainer.train(net, net.initialState(), batches(2, 2).iterator(), 5));
        assertTrue(e.getMessage().startsWith("loss became NaN at step 1"), e.getMessage());
        assertTrue(e.getMessage().endsWith("lower the learning rate"), e.getMessage());
    }

    @Test
    void rejectsNegativeMaxSteps() {
        CountingNetwork net = new CountingNetwork(1);
        assertThrows(IllegalArgumentException.class,
                () -> PartitionTrainer.train(net, net.initialState(), batches(1).iterator(), -1));
    }
}
