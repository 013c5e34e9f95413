package dev.sparkcnn.kernels.nativeengine;

import static dev.sparkcnn.kernels.nativeengine.NativeNetworkTest.batches;
import static dev.sparkcnn.kernels.nativeengine.NativeNetworkTest.relativeDifference;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.LabelSmoothing;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import dev.sparkcnn.kernels.StepStats;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.model.ParamArray;
import dev.sparkcnn.kernels.model.ParamLayout;
import dev.sparkcnn.kernels.optim.LrSchedule;
import dev.sparkcnn.kernels.optim.Optimizer;
import dev.sparkcnn.kernels.optim.RunSteps;
import dev.sparkcnn.kernels.optim.TrainingOptions;
import dev.sparkcnn.kernels.optim.UpdaterRuleTest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Weight decay, label smoothing and a schedule on whole networks: engine {@code native} against
 * engine {@code dl4j} (DL4J's own {@code l2}, {@code weightDecay}, MCXENT on smoothed targets and
 * {@code ISchedule}) step for step; the smoothed-target gradient against hand computation; batch-norm
 * running statistics untouched by decay; and the options surviving the spec's JSON form.
 */
class TrainingOptionsEngineTest {

    private static final int STEPS = 5;

    /** Every option on: decay, smoothing, two warm-up steps then cosine over 2 epochs of 3 steps. */
    private static final TrainingOptions ALL = new TrainingOptions(0.01, 0.1,
            LrSchedule.cosine(1e-4).withWarmupSteps(2), new RunSteps(0, 3, 2, 1));

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    @ParameterizedTest
    @EnumSource(Optimizer.class)
    void enginesAgreeStepForStepWithEveryOptionOn(Optimizer optimizer) {
        ModelSpec spec = new ModelSpec("simple-cnn", 3, 16, 16, 5, optimizer == Optimizer.ADAM ? 0.003 : 0.05, 21,
                optimizer.id()).withTraining(ALL);
        List<Batch> batches = batches(spec, STEPS, 8);
        try (Network dl4j = NetworkFactory.create(spec, "dl4j");
             Network nat = NetworkFactory.create(spec, "native");
             Network split = NetworkFactory.create(spec, "native")) {
            ModelState start = dl4j.initialState();
            dl4j.load(start);
            nat.load(start);
            split.load(start);
            float[] gradient = new float[(int) nat.numParams()];
            for (Batch batch : batches) {
                StepStats expected = dl4j.fit(batch);
                StepStats actual = nat.fit(batch);
                assertEquals(expected.lossSum(), actual.lossSum(), 1e-4 * expected.lossSum(), optimizer + " loss");
                // the gradient-sharing path: gradient, then this engine's update rule, then the update
                split.computeGradient(batch, gradient);
                split.toUpdate(gradient);
                split.applyUpdate(gradient);
            }
            ModelState expected = dl4j.state();
            ModelState actual = nat.state();
            assertEquals(STEPS, actual.iteration());
            double paramDiff = relativeDifference(expected.params(), actual.params());
            assertTrue(paramDiff < 1e-4, optimizer + ": parameters differ by " + paramDiff);
            double splitDiff = relativeDifference(actual.params(), split.state().params());
            assertTrue(splitDiff < 1e-5, optimizer + ": split step differs by " + splitDiff);
            double moved = relativeDifference(start.params(), expected.params());
            assertTrue(moved > 100 * paramDiff, "the check is sensitive: training moved params by " + moved);
            int n = expected.params().length;
            for (int block = 0; block < expected.updaterState().length / n; block++) {
                double diff = relativeDifference(Arrays.copyOfRange(expected.updaterState(), block * n, (block + 1) * n),
                        Arrays.copyOfRange(actual.updaterState(), block * n, (block + 1) * n));
                assertTrue(diff < 1e-4, optimizer + ": updater state block " + block + " differs by " + diff);
            }
            // the options change the training: without them the same steps end elsewhere
            try (Network plain = NetworkFactory.create(spec.withTraining(TrainingOptions.NONE), "native")) {
                plain.load(start);
                batches.forEach(plain::fit);
                assertTrue(relativeDifference(plain.state().params(), actual.params()) > 100 * paramDiff);
            }
        }
    }

    /**
     * The gradient of the output bias is {@code sum_i (p_i - t_i) / B} with {@code t} the smoothed
     * targets, and the reported loss is the cross-entropy against them, at the parameters before the step.
     */
    @Test
    void smoothedTargetsGiveTheirGradientAndLoss() {
        double eps = 0.2;
        ModelSpec spec = new ModelSpec("simple-cnn", 2, 8, 8, 4, 0.01, 3, "sgd")
                .withTraining(new TrainingOptions(0, eps, null, null));
        Batch batch = batches(spec, 1, 6).get(0);
        try (NativeNetwork net = new NativeNetwork(spec, DataType.DOUBLE)) {
            float[] p = net.predict(batch);
            double[] probabilities = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                probabilities[i] = p[i];
            }
            float[] targets = LabelSmoothing.targets(batch.labels(), 4, eps);
            double lossSum = net.computeGradient(batch);
            assertEquals(LabelSmoothing.lossSum(probabilities, batch.labels(), 4, eps), lossSum, 1e-5);
            double[] gradient = net.gradient();
            int biasFrom = gradient.length - 4; // the dense layer's bias is last in the layout
            for (int c = 0; c < 4; c++) {
                double want = 0;
                for (int i = 0; i < batch.size(); i++) {
                    want += (probabilities[i * 4 + c] - targets[i * 4 + c]) / batch.size();
                }
                assertEquals(want, gradient[biasFrom + c], 1e-6, "class " + c);
            }
            // a smoothed target is (1 - eps) onehot + eps / K: for the own class 0.85, the others 0.05
            assertEquals(0.85f, targets[batch.labels()[0]], 1e-7f);
            assertEquals(1f, targets[0] + targets[1] + targets[2] + targets[3], 1e-6f);
        }
    }

    @Test
    void batchNormRunningStatisticsAreNeverDecayed() {
        ModelSpec plain = new ModelSpec(UpdaterRuleTest.SMALL, 1, 4, 4, 3, 0.1, 1, "sgd");
        ModelSpec decayed = plain.withTraining(new TrainingOptions(0.5, 0, null, null));
        Batch batch = batches(plain, 1, 8).get(0);
        try (Network a = NetworkFactory.create(plain, "native"); Network b = NetworkFactory.create(decayed, "native")) {
            ModelState start = a.initialState();
            a.load(start);
            b.load(start);
            a.fit(batch);
            b.fit(batch);
            float[] without = a.state().params();
            float[] with = b.state().params();
            ParamLayout layout = plain.layout();
            int decayedValues = 0;
            for (int i = 0; i < layout.arrays().size(); i++) {
                ParamArray array = layout.arrays().get(i);
                int from = (int) layout.offset(i);
                int to = from + (int) array.length();
                if (array.weight()) {
                    for (int k = from; k < to; k++) { // SGD + L2: the update grows by lr * wd * w
                        assertEquals(without[k] - 0.1 * 0.5 * start.params()[k], with[k], 1e-6, array.name());
                        decayedValues++;
                    }
                } else {
                    assertArrayEquals(Arrays.copyOfRange(without, from, to), Arrays.copyOfRange(with, from, to),
                            array.name() + " is the same with and without decay");
                }
            }
            assertTrue(decayedValues > 0);
            assertTrue(!Arrays.equals(Arrays.copyOfRange(start.params(), (int) layout.offset(4), (int) layout.offset(6)),
                    Arrays.copyOfRange(with, (int) layout.offset(4), (int) layout.offset(6))),
                    "the running statistics did move (by the forward pass)");
        }
    }

    @Test
    void optionsTravelInTheSpecsJson() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ModelSpec spec = new ModelSpec("simple-cnn", 3, 16, 16, 5, 0.01, 21, "adam").withTraining(ALL);
        String json = mapper.writeValueAsString(spec);
        assertTrue(json.contains("\"training\""), json);
        assertEquals(spec, mapper.readValue(json, ModelSpec.class));
        ModelSpec none = spec.withTraining(TrainingOptions.NONE);
        String plain = mapper.writeValueAsString(none);
        assertTrue(!plain.contains("training"), "no options, no field: " + plain);
        assertEquals(none, mapper.readValue(plain, ModelSpec.class));
    }
}
