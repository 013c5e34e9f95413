package dev.sparkcnn.driver.ml;

import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.OptimizationSettings;
import dev.sparkcnn.driver.config.ScheduleSettings;
import dev.sparkcnn.kernels.optim.LrScaling;
import dev.sparkcnn.kernels.optim.LrSchedule;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * {@link CnnClassifier}'s params for weight decay, label smoothing, the learning-rate schedule and
 * its worker scaling: the same settings as {@code train}'s options of the same names
 * ({@link OptimizationSettings}), checked by the same code, each problem reported under its param.
 */
final class TrainingParams {
    final DoubleParam weightDecay;
    final DoubleParam labelSmoothing;
    final Param<String> lrSchedule;
    final DoubleParam lrGamma;
    final IntArrayParam lrMilestones;
    final IntParam lrStepEvery;
    final DoubleParam lrFloor;
    final IntParam warmupEpochs;
    final IntParam warmupSteps;
    final Param<String> lrScaling;

    /** {@code train}'s option of each param, to name the param in a message. */
    private static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    static {
        for (String p : new String[] {"weightDecay", "labelSmoothing", "lrSchedule", "lrGamma", "lrMilestones",
                "lrStepEvery", "lrFloor", "warmupEpochs", "warmupSteps", "lrScaling"}) {
            OPTIONS.put(p, "--" + p.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT));
        }
    }

    TrainingParams(Params parent) {
        weightDecay = new DoubleParam(parent, "weightDecay", "decay of the weights: L2 for sgd and nesterovs, "
                + "decoupled (AdamW) for adam (>= 0); unset = the model's default, 0", ParamValidators.gtEq(0));
        labelSmoothing = new DoubleParam(parent, "labelSmoothing", "label smoothing eps in [0, 1); unset = the "
                + "model's default, 0", ParamValidators.inRange(0, 1, true, false));
        lrSchedule = new Param<>(parent, "lrSchedule", "learning rate over the run: "
                + String.join(", ", LrSchedule.Decay.ids()), ParamValidators.inArray(LrSchedule.Decay.ids()));
        lrGamma = new DoubleParam(parent, "lrGamma", "step: factor at each milestone, in (0, 1]");
        lrMilestones = new IntArrayParam(parent, "lrMilestones", "step: epochs after which the rate drops");
        lrStepEvery = new IntParam(parent, "lrStepEvery", "step: a milestone every N epochs");
        lrFloor = new DoubleParam(parent, "lrFloor", "cosine: the learning rate at the end");
        warmupEpochs = new IntParam(parent, "warmupEpochs", "linear warm-up over the first N epochs");
        warmupSteps = new IntParam(parent, "warmupSteps", "linear warm-up over the first N steps");
        lrScaling = new Param<>(parent, "lrScaling", "learning rate x workers: " + String.join(", ", LrScaling.ids()),
                ParamValidators.inArray(LrScaling.ids()));
    }

    /**
     * The settings of {@code p}'s params that are set.
     *
     * @throws ConfigException naming the param whose value is wrong
     */
    OptimizationSettings settings(Params p) {
        try {
            return new OptimizationSettings(value(p, weightDecay), value(p, labelSmoothing),
                    new ScheduleSettings(value(p, lrSchedule), value(p, lrGamma), value(p, lrStepEvery),
                            p.isSet(lrMilestones) ? Arrays.stream(p.getOrDefault(lrMilestones)).boxed().toList() : null,
                            value(p, lrFloor), value(p, warmupEpochs), value(p, warmupSteps)),
                    p.isSet(lrScaling) ? LrScaling.of(p.getOrDefault(lrScaling)) : null);
        } catch (ConfigException e) {
            String message = e.getMessage();
            for (Map.Entry<String, String> o : OPTIONS.entrySet()) {
                message = message.replace(o.getValue(), o.getKey());
            }
            throw new ConfigException("CnnClassifier " + message);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T value(Params p, Param<?> param) {
        return p.isSet(param) ? (T) p.getOrDefault(param) : null;
    }
}
