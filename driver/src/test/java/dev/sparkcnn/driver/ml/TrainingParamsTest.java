package dev.sparkcnn.driver.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.OptimizationSettings;
import dev.sparkcnn.kernels.optim.LrScaling;
import dev.sparkcnn.kernels.optim.LrSchedule;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.Param;
import org.junit.jupiter.api.Test;

/** The estimator's training-option params: found by Spark, turned into train's settings, checked by param name. */
class TrainingParamsTest {

    @Test
    void paramsBecomeTheSettingsOfTrainsOptions() {
        CnnClassifier c = new CnnClassifier().setWeightDecay(5e-4).setLabelSmoothing(0.1).setLrSchedule("step")
                .setLrMilestones(2, 4).setLrGamma(0.5).setWarmupEpochs(1).setLrScaling("sqrt");
        OptimizationSettings s = new TrainingParams(c).settings(c);
        assertEquals(5e-4, s.weightDecay());
        assertEquals(0.1, s.labelSmoothing());
        assertEquals(LrSchedule.step(0.5, List.of(2, 4)).withWarmupEpochs(1), s.schedule().schedule());
        assertEquals(LrScaling.SQRT, s.lrScaling());
        CnnClassifier unset = new CnnClassifier();
        assertEquals(OptimizationSettings.NONE, new TrainingParams(unset).settings(unset));
    }

    @Test
    void sparkFindsEveryParam() {
        List<String> names = Arrays.stream(new CnnClassifier().params()).map(Param::name).toList();
        for (String p : List.of("weightDecay", "labelSmoothing", "lrSchedule", "lrGamma", "lrMilestones",
                "lrStepEvery", "lrFloor", "warmupEpochs", "warmupSteps", "lrScaling")) {
            assertTrue(names.contains(p), p + " in " + names);
        }
    }

    @Test
    void aBadCombinationNamesTheParam() {
        CnnClassifier c = new CnnClassifier().setLrSchedule("cosine").setLrGamma(0.5);
        ConfigException e = assertThrows(ConfigException.class, () -> new TrainingParams(c).settings(c));
        assertEquals("CnnClassifier lrGamma applies only to the step schedule, not cosine", e.getMessage());
        CnnClassifier warm = new CnnClassifier().setWarmupEpochs(1).setWarmupSteps(3);
        e = assertThrows(ConfigException.class, () -> new TrainingParams(warm).settings(warm));
        assertTrue(e.getMessage().startsWith("CnnClassifier warmupSteps and warmupEpochs both"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CnnClassifier().setWeightDecay(-1),
                "Spark's validator refuses a negative decay");
    }
}
