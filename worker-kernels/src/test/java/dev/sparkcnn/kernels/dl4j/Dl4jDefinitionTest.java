package dev.sparkcnn.kernels.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import dev.sparkcnn.kernels.model.DefinitionReader;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.model.ParamArray;
import dev.sparkcnn.kernels.model.ParamLayout;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The DL4J engine builds batch normalization, dropout and residual blocks (as a ComputationGraph)
 * over the definition's layout: inference checked against the formulas written out here on tiny
 * inputs, the running statistics' update in training, and the optimizer state kept in the layout
 * (DL4J's own fit equals the split step computeGradient, toUpdate, applyUpdate).
 */
class Dl4jDefinitionTest {

    /** Batch norm on the input (2x2x2), dropout, then the output layer (3 classes). */
    static final String BATCH_NORM = """
            {"name": "bn", "layers": [
              {"type": "batchnorm", "momentum": 0.8, "epsilon": 0.001},
              {"type": "flatten"},
              {"type": "dropout", "rate": 0.5},
              {"type": "dense", "units": "classes", "activation": "softmax"}]}
            """;

    /** A residual block with a strided 1x1 main branch and a projection shortcut, global pooling, output. */
    static final String RESIDUAL = """
            {"name": "res", "layers": [
              {"type": "residual", "layers": [
                {"type": "conv2d", "filters": 3, "kernel": 1, "stride": 2, "padding": "valid", "bias": false,
                 "activation": "identity"}],
               "shortcut": {"type": "projection", "stride": 2}, "activation": "relu"},
              {"type": "globalavgpool"},
              {"type": "flatten"},
              {"type": "dense", "units": "classes", "activation": "softmax"}]}
            """;

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    static ModelSpec spec(String json, int channels, int side, String optimizer) {
        return new ModelSpec(DefinitionReader.read(json, "test.json", "test"), channels, side, side, 3, 0.01, 5,
                optimizer);
    }

    /** Random parameters with positive running variances. */
    static float[] randomParams(ParamLayout layout, long seed) {
        Random rnd = new Random(seed);
        float[] p = new float[(int) layout.numParams()];
        for (int a = 0; a < layout.arrays().size(); a++) {
            boolean variance = layout.arrays().get(a).name().endsWith(".var");
            for (int k = 0; k < layout.arrays().get(a).length(); k++) {
                float v = (float) rnd.nextGaussian() * 0.7f;
                p[(int) layout.offset(a) + k] = variance ? 0.3f + Math.abs(v) : v;
            }
        }
        return p;
    }

    static float[] slice(ParamLayout layout, float[] params, String name) {
        for (int a = 0; a < layout.arrays().size(); a++) {
            ParamArray array = layout.arrays().get(a);
            if (array.name().equals(name)) {
                int from = (int) layout.offset(a);
                return Arrays.copyOfRange(params, from, from + (int) array.length());
            }
        }
        throw new AssertionError("no array " + name + " in " + layout.arrays());
    }

    static Batch randomBatch(ModelSpec spec, int n, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n * spec.imageSize()];
        int[] labels = new int[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * 1.5 + 0.4);
        }
        for (int i = 0; i < n; i++) {
            labels[i] = rnd.nextInt(spec.numClasses());
        }
        return new Batch(x, labels, n);
    }

    @Test
    void batchNormInferenceReadsScaleShiftMeanAndVarianceFromTheLayout() {
        ModelSpec spec = spec(BATCH_NORM, 2, 2, "sgd");
        ParamLayout layout = spec.layout();
        float[] params = randomParams(layout, 1);
        Batch batch = randomBatch(spec, 4, 2);
        float[] gamma = slice(layout, params, "0.gamma");
        float[] beta = slice(layout, params, "0.beta");
        float[] mean = slice(layout, params, "0.mean");
        float[] var = slice(layout, params, "0.var");
        float[] w = slice(layout, params, "3.W");
        float[] b = slice(layout, params, "3.b");
        float[] expected = new float[batch.size() * 3];
        for (int n = 0; n < batch.size(); n++) {
            float[] z = new float[8];
            for (int i = 0; i < 8; i++) {
                int c = i / 4;
                float x = batch.features()[n * 8 + i];
                z[i] = (float) (gamma[c] * (x - mean[c]) / Math.sqrt(var[c] + 0.001) + beta[c]);
            }
            float[] logits = new float[3];
            for (int o = 0; o < 3; o++) {
                logits[o] = b[o];
                for (int i = 0; i < 8; i++) {
                    logits[o] += w[o * 8 + i] * z[i]; // [in, out] in 'f' order
                }
            }
            System.arraycopy(softmax(logits), 0, expected, n * 3, 3);
        }
        try (Network net = NetworkFactory.create(spec, "dl4j")) {
            net.loadParams(params);
            assertArrayEquals(params, net.params());
            assertArrayEquals(expected, net.predict(batch), 1e-5f);
        }
    }

    @Test
    void trainingMovesTheRunningStatisticsByTheMomentumAndSplitStepsEqualFit() {
        ModelSpec spec = spec(BATCH_NORM.replace("\"dropout\", \"rate\": 0.5", "\"dropout\", \"rate\": 0"), 2, 2,
                "adam");
        ParamLayout layout = spec.layout();
        float[] params = randomParams(layout, 3);
        try (Network fit = NetworkFactory.create(spec, "dl4j");
             Network split = NetworkFactory.create(spec, "dl4j")) {
            assertEquals(2 * layout.numParams(), fit.updaterStateSize(), "Adam's state covers the whole layout");
            ModelState start = new ModelState(params, new float[(int) fit.updaterStateSize()], 0);
            fit.load(start);
            split.load(start);
            for (int step = 0; step < 3; step++) {
                Batch batch = randomBatch(spec, 6, 10 + step);
                float[] before = fit.params();
                fit.fit(batch);
                float[] gradient = new float[(int) split.numParams()];
                split.computeGradient(batch, gradient);
                assertArrayEquals(new float[4], concat(slice(layout, gradient, "0.mean"),
                        slice(layout, gradient, "0.var")), "no gradient for the running statistics");
                split.toUpdate(gradient);
                split.applyUpdate(gradient);

                float[][] stats = batchStatistics(batch);
                for (int c = 0; c < 2; c++) {
                    float m0 = slice(layout, before, "0.mean")[c];
                    float v0 = slice(layout, before, "0.var")[c];
                    assertEquals(0.8 * m0 + 0.2 * stats[0][c], slice(layout, fit.params(), "0.mean")[c], 1e-5);
                    assertEquals(0.8 * v0 + 0.2 * stats[1][c], slice(layout, fit.params(), "0.var")[c], 1e-5);
                }
                ModelState a = fit.state();
                ModelState b = split.state();
                assertArrayEquals(a.params(), b.params(), 1e-6f, "step " + step + " parameters");
                assertArrayEquals(a.updaterState(), b.updaterState(), 1e-6f, "step " + step + " Adam state");
                assertEquals(a.iteration(), b.iteration());
            }
            float[] state = fit.state().updaterState();
            assertTrue(Math.abs(state[0]) > 0, "Adam's first moment of gamma moved");
            int mean = (int) layout.offset(2);
            assertArrayEquals(new float[4], Arrays.copyOfRange(state, mean, mean + 4),
                    "no optimizer state for the running statistics");
        }
    }

    /** Per channel of a [n, 2, 2, 2] batch: the mean and the biased variance. */
    private static float[][] batchStatistics(Batch batch) {
        float[][] stats = new float[2][2];
        for (int c = 0; c < 2; c++) {
            double sum = 0;
            double squares = 0;
            int count = 0;
            for (int n = 0; n < batch.size(); n++) {
                for (int k = 0; k < 4; k++) {
                    double x = batch.features()[n * 8 + c * 4 + k];
                    sum += x;
                    squares += x * x;
                    count++;
                }
            }
            double mean = sum / count;
            stats[0][c] = (float) mean;
            stats[1][c] = (float) (squares / count - mean * mean);
        }
        return stats;
    }

    @Test
    void aResidualBlockWithAProjectionIsAGraphOverTheLayout() {
        ModelSpec spec = spec(RESIDUAL, 2, 4, "nesterovs");
        ParamLayout layout = spec.layout();
        assertEquals(java.util.List.of("0.0.W", "0.shortcut.W", "0.shortcut.gamma", "0.shortcut.beta",
                "0.shortcut.mean", "0.shortcut.var", "3.W", "3.b"),
                layout.arrays().stream().map(ParamArray::name).toList());
        float[] params = randomParams(layout, 7);
        float[] main = slice(layout, params, "0.0.W");
        float[] proj = slice(layout, params, "0.shortcut.W");
        float[] gamma = slice(layout, params, "0.shortcut.gamma");
        float[] beta = slice(layout, params, "0.shortcut.beta");
        float[] mean = slice(layout, params, "0.shortcut.mean");
        float[] var = slice(layout, params, "0.shortcut.var");
        float[] w = slice(layout, params, "3.W");
        float[] b = slice(layout, params, "3.b");
        Batch batch = randomBatch(spec, 3, 8);
        float[] expected = new float[batch.size() * 3];
        for (int n = 0; n < batch.size(); n++) {
            float[] pooled = new float[3];
            for (int y = 0; y < 4; y += 2) {
                for (int x = 0; x < 4; x += 2) {
                    for (int o = 0; o < 3; o++) {
                        float m = 0;
                        float s = 0;
                        for (int c = 0; c < 2; c++) {
                            float v = batch.features()[n * 32 + c * 16 + y * 4 + x];
                            m += main[o * 2 + c] * v;
                            s += proj[o * 2 + c] * v;
                        }
                        s = (float) (gamma[o] * (s - mean[o]) / Math.sqrt(var[o] + 1e-5) + beta[o]);
                        pooled[o] += Math.max(0, m + s) / 4;
                    }
                }
            }
            float[] logits = new float[3];
            for (int o = 0; o < 3; o++) {
                logits[o] = b[o];
                for (int i = 0; i < 3; i++) {
                    logits[o] += w[o * 3 + i] * pooled[i];
                }
            }
            System.arraycopy(softmax(logits), 0, expected, n * 3, 3);
        }
        try (Network net = NetworkFactory.create(spec, "dl4j")) {
            assertArrayEquals(layout.initialParams(spec.seed()), net.initialState().params());
            assertEquals(layout.numParams(), net.updaterStateSize(), "Nesterov's velocity covers the layout");
            float[] velocity = randomParams(layout, 9);
            for (int i = (int) layout.offset(4); i < layout.offset(6); i++) {
                velocity[i] = 0; // the running statistics have none
            }
            ModelState state = new ModelState(params, velocity, 4);
            net.load(state);
            assertEquals(state, net.state(), "the state comes back as it went in");
            assertArrayEquals(expected, net.predict(batch), 1e-5f);
        }
    }

    /**
     * Dropout's rate is the probability of dropping a value (DL4J's argument is the probability of
     * keeping one): with rate 0.8 about 80% of a single example's 400 inputs to the output layer are
     * zeroed in training, so 80% of the rows of that layer's weight gradient are 0, on both engines.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dl4j", "native"})
    void dropoutDropsItsRateInTraining(String engine) {
        ModelSpec spec = spec("""
                {"name": "drop", "layers": [{"type": "flatten"}, {"type": "dropout", "rate": 0.8},
                  {"type": "dense", "units": "classes", "activation": "softmax"}]}
                """, 1, 20, "sgd");
        try (Network net = NetworkFactory.create(spec, engine)) {
            net.load(new ModelState(randomParams(spec.layout(), 4), new float[(int) net.updaterStateSize()], 0));
            float[] gradient = new float[(int) net.numParams()];
            net.computeGradient(randomBatch(spec, 1, 5), gradient);
            int inputs = 400;
            int dropped = 0;
            for (int i = 0; i < inputs; i++) {
                boolean zero = true;
                for (int o = 0; o < 3; o++) {
                    zero &= gradient[i + o * inputs] == 0f; // W [in, out] in 'f' order
                }
                dropped += zero ? 1 : 0;
            }
            assertTrue(dropped > 0.7 * inputs && dropped < 0.9 * inputs, engine + " dropped " + dropped + " of "
                    + inputs + " inputs at rate 0.8");
        }
    }

    /**
     * Dropout masks follow (seed, partition, iteration) on engine dl4j too: the same state and
     * partition give the same gradient however often it is asked for (the thread's generator is
     * keyed each step, not left to advance), another partition or another iteration other masks.
     */
    @Test
    void dl4jDropoutMasksFollowPartitionAndIteration() {
        ModelSpec spec = spec("""
                {"name": "drop", "layers": [{"type": "flatten"}, {"type": "dropout", "rate": 0.5},
                  {"type": "dense", "units": "classes", "activation": "softmax"}]}
                """, 1, 20, "sgd");
        Batch batch = randomBatch(spec, 4, 5);
        float[] params = randomParams(spec.layout(), 4);
        try (Network net = NetworkFactory.create(spec, "dl4j")) {
            int states = (int) net.updaterStateSize();
            java.util.function.BiFunction<Integer, Long, float[]> gradient = (partition, iteration) -> {
                net.load(new ModelState(params, new float[states], iteration));
                net.partition(partition);
                float[] g = new float[(int) net.numParams()];
                net.computeGradient(batch, g);
                return g;
            };
            float[] first = gradient.apply(1, 7L);
            assertArrayEquals(first, gradient.apply(1, 7L), "same key, same masks");
            assertFalse(Arrays.equals(first, gradient.apply(2, 7L)), "another partition draws other masks");
            assertFalse(Arrays.equals(first, gradient.apply(1, 8L)), "another iteration draws other masks");
        }
    }

    @Test
    void aMultiLayerConfigurationRefusesAResidualBlockNamingIt() {
        ModelSpec spec = spec(RESIDUAL, 2, 4, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dl4jModels.configuration(spec));
        assertEquals("DL4J cannot build layer 0 (residual (projection stride 2) relu) of model 'res': a "
                + "MultiLayerNetwork cannot hold a residual block (it needs a ComputationGraph)", e.getMessage());
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp(logits[i] - max);
            sum += e[i];
        }
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = (float) (e[i] / sum);
        }
        return out;
    }
}
