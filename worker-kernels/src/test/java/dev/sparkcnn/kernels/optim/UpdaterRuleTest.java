package dev.sparkcnn.kernels.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.model.DefinitionReader;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.model.NetworkDefinition;
import dev.sparkcnn.kernels.model.ParamArray;
import dev.sparkcnn.kernels.model.ParamLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Each optimizer's update with weight decay and a schedule against a hand computation in double on
 * the JVM: L2 added to the gradient for SGD and Nesterov momentum, decoupled for Adam (AdamW), on the
 * weights only: never on biases, batch-norm scale and shift, or the running statistics.
 */
public class UpdaterRuleTest {

    /** conv (bias, weights), batch norm (gamma, beta, mean, var), dense (weights, bias). */
    public static final NetworkDefinition SMALL = DefinitionReader.read("""
            {"name": "small-bn", "layers": [
              {"type": "conv2d", "filters": 2, "kernel": 3, "padding": "same", "activation": "identity"},
              {"type": "batchnorm"},
              {"type": "activation", "function": "relu"},
              {"type": "flatten"},
              {"type": "dense", "units": "classes", "activation": "softmax"}]}""", "test", "small-bn");

    private static final double WD = 0.05;

    @BeforeAll
    static void floats() {
        NativeRuntime.ensureFloatDefaults();
    }

    static ModelSpec spec(Optimizer optimizer, double lr, TrainingOptions training) {
        return new ModelSpec(SMALL, 1, 4, 4, 3, lr, 1, optimizer.id(), training);
    }

    @Test
    void onlyWeightsAreDecayed() {
        ParamLayout layout = spec(Optimizer.SGD, 0.1, TrainingOptions.NONE).layout();
        List<String> decayed = new ArrayList<>();
        for (ParamArray a : layout.arrays()) {
            if (a.weight()) {
                decayed.add(a.name());
            }
        }
        assertEquals(2, decayed.size(), layout.toString());
        assertTrue(decayed.stream().allMatch(n -> n.endsWith("W")), decayed.toString());
        assertEquals(8, layout.arrays().size(), "conv b, W; bn gamma, beta, mean, var; dense W, b: " + layout);
    }

    @Test
    void sgdAddsL2ToTheGradientOfWeightsOnly() {
        ModelSpec spec = spec(Optimizer.SGD, 0.1, new TrainingOptions(WD, 0, null, null));
        double[] w = values(spec, 1);
        double[] g = values(spec, 2);
        double[] update = apply(spec, g, w, null, 0);
        double[] mask = mask(spec);
        for (int i = 0; i < w.length; i++) {
            assertEquals(0.1 * (g[i] + WD * mask[i] * w[i]), update[i], 1e-6, "value " + i);
        }
    }

    @Test
    void nesterovAddsL2BeforeTheMomentum() {
        ModelSpec spec = spec(Optimizer.NESTEROVS, 0.1, new TrainingOptions(WD, 0, null, null));
        int n = (int) spec.layout().numParams();
        double[] w = values(spec, 3);
        double[] mask = mask(spec);
        double[] v = new double[n];
        INDArray state = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, n);
        UpdaterRule rule = UpdaterRule.of(spec);
        for (int step = 0; step < 2; step++) {
            double[] g = values(spec, 10 + step);
            INDArray gradient = Nd4j.createFromArray(toFloat(g));
            rule.apply(gradient, Nd4j.createFromArray(toFloat(w)), state, step);
            double[] got = gradient.toDoubleVector();
            for (int i = 0; i < n; i++) {
                double decayed = g[i] + WD * mask[i] * w[i];
                double vPrev = v[i];
                v[i] = Optimizer.MOMENTUM * v[i] - 0.1 * decayed;
                double want = Optimizer.MOMENTUM * vPrev - (1 + Optimizer.MOMENTUM) * v[i];
                assertEquals(want, got[i], 1e-6, "step " + step + ", value " + i);
                w[i] -= got[i];
            }
        }
    }

    @Test
    void adamDecouplesTheDecayFromItsMoments() {
        ModelSpec spec = spec(Optimizer.ADAM, 0.01, new TrainingOptions(WD, 0, null, null));
        int n = (int) spec.layout().numParams();
        double[] w = values(spec, 4);
        double[] mask = mask(spec);
        double[] m = new double[n];
        double[] v = new double[n];
        INDArray state = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2 * n);
        UpdaterRule rule = UpdaterRule.of(spec);
        for (int step = 0; step < 3; step++) {
            double[] g = values(spec, 20 + step);
            INDArray gradient = Nd4j.createFromArray(toFloat(g));
            rule.apply(gradient, Nd4j.createFromArray(toFloat(w)), state, step);
            double[] got = gradient.toDoubleVector();
            int t = step + 1;
            double alpha = 0.01 * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
            for (int i = 0; i < n; i++) {
                m[i] = 0.9 * m[i] + 0.1 * g[i]; // the raw gradient: the decay never enters the moments
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                double want = alpha * m[i] / (Math.sqrt(v[i]) + 1e-8) + 0.01 * WD * mask[i] * w[i];
                assertEquals(want, got[i], 1e-6 + 1e-5 * Math.abs(want), "step " + step + ", value " + i);
                w[i] -= got[i];
            }
        }
    }

    @Test
    void theScheduleSetsEachStepsRateAndTheDecayFollowsIt() {
        TrainingOptions t = new TrainingOptions(WD, 0, LrSchedule.step(0.5, List.of(1)).withWarmupSteps(2),
                new RunSteps(0, 3, 2, 1));
        ModelSpec spec = spec(Optimizer.SGD, 0.2, t);
        double[] w = values(spec, 5);
        double[] g = values(spec, 6);
        double[] mask = mask(spec);
        // warm-up 0.1, 0.2; then 0.2 to the end of epoch 1 (step 2); then x0.5 from step 3
        double[] rates = {0.1, 0.2, 0.2, 0.1, 0.1, 0.1};
        UpdaterRule rule = UpdaterRule.of(spec);
        for (int step = 0; step < rates.length; step++) {
            assertEquals(rates[step], rule.learningRate(step), 1e-15, "rate of step " + step);
            double[] update = apply(spec, g, w, null, step);
            for (int i = 0; i < w.length; i++) {
                assertEquals(rates[step] * (g[i] + WD * mask[i] * w[i]), update[i], 1e-6);
            }
        }
        ModelSpec adamw = spec(Optimizer.ADAM, 0.2, t);
        double[] zero = new double[w.length];
        double[] pureDecay = apply(adamw, zero, w, Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT,
                2 * w.length), 3);
        for (int i = 0; i < w.length; i++) {
            assertEquals(0.1 * WD * mask[i] * w[i], pureDecay[i], 1e-7, "AdamW decays by the step's rate");
        }
    }

    @Test
    void withoutDecayTheRunningStatisticsAndBiasesGetNoUpdateFromAZeroGradient() {
        for (Optimizer o : Optimizer.values()) {
            ModelSpec spec = spec(o, 0.1, new TrainingOptions(WD, 0, null, null));
            double[] w = values(spec, 7);
            int n = w.length;
            double[] update = apply(spec, new double[n], w,
                    o == Optimizer.SGD ? null : Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT,
                            UpdaterRule.of(spec).stateSize(n)), 0);
            ParamLayout layout = spec.layout();
            for (int a = 0; a < layout.arrays().size(); a++) {
                ParamArray array = layout.arrays().get(a);
                for (long i = layout.offset(a); i < layout.offset(a) + array.length(); i++) {
                    if (array.weight()) {
                        assertTrue(update[(int) i] != 0, o + ": weight " + array.name() + " decays");
                    } else {
                        assertEquals(0, update[(int) i], 0, o + ": " + array.name() + " is never decayed");
                    }
                }
            }
        }
    }

    /** The update the rule makes of gradient {@code g} at parameters {@code w}. */
    private static double[] apply(ModelSpec spec, double[] g, double[] w, INDArray state, long iteration) {
        INDArray gradient = Nd4j.createFromArray(toFloat(g));
        UpdaterRule.of(spec).apply(gradient, Nd4j.createFromArray(toFloat(w)), state, iteration);
        return gradient.toDoubleVector();
    }

    /** 1 on the weights, 0 elsewhere. */
    private static double[] mask(ModelSpec spec) {
        ParamLayout layout = spec.layout();
        double[] mask = new double[(int) layout.numParams()];
        for (int a = 0; a < layout.arrays().size(); a++) {
            if (layout.arrays().get(a).weight()) {
                java.util.Arrays.fill(mask, (int) layout.offset(a), (int) (layout.offset(a)
                        + layout.arrays().get(a).length()), 1);
            }
        }
        return mask;
    }

    /** Seeded values in [-1, 1) for every parameter, exactly representable in float. */
    private static double[] values(ModelSpec spec, long seed) {
        Random random = new Random(seed);
        double[] v = new double[(int) spec.layout().numParams()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
