package dev.sparkcnn.driver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkcnn.kernels.optim.LrScaling;
import dev.sparkcnn.kernels.optim.LrSchedule;
import dev.sparkcnn.kernels.optim.RunSteps;
import dev.sparkcnn.kernels.optim.TrainingOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Weight decay, label smoothing, the schedule and lr scaling in the configuration: round trip, checks, resolution. */
class OptimizationSettingsTest {

    private static TrainingConfigBuilder base() {
        return TrainingConfig.builder("d", "o").engine(Engine.DL4J).master("local").epochs(4).seed(1L);
    }

    @Test
    void everyFieldRoundTripsThroughConfigJson() {
        TrainingConfig c = base().weightDecay(5e-4).labelSmoothing(0.1).lrSchedule("step").lrGamma(0.2)
                .lrMilestones(List.of(2, 3)).warmupEpochs(1).lrScaling(LrScaling.SQRT).build();
        String json = Json.write(c);
        TrainingConfig back = Json.read(json, TrainingConfig.class, "test");
        assertEquals(c, back);
        assertEquals(json, Json.write(back));
        assertTrue(json.contains("\"lrMilestones\" : [ 2, 3 ]"), json);
        TrainingConfig cosine = base().lrSchedule("cosine").lrFloor(1e-5).warmupSteps(50).build();
        assertEquals(cosine, Json.read(Json.write(cosine), TrainingConfig.class, "test"));
        TrainingConfig every = base().lrSchedule("step").lrStepEvery(2).build();
        assertEquals(every, every.toBuilder().build());
        assertEquals(LrSchedule.stepEvery(LrSchedule.DEFAULT_GAMMA, 2), every.optimization().schedule().schedule());
    }

    @Test
    void unsetFieldsAreNotWrittenSoOldFilesReadBackUnchanged() {
        ObjectNode written = FlatConfig.write(base().build());
        for (String field : List.of("weightDecay", "labelSmoothing", "lrSchedule", "lrGamma", "lrStepEvery",
                "lrMilestones", "lrFloor", "warmupEpochs", "warmupSteps", "lrScaling")) {
            assertFalse(written.has(field), field);
            assertTrue(FlatConfig.names().contains(field), field);
        }
        assertEquals(OptimizationSettings.NONE, base().build().optimization());
    }

    @Test
    void milestonesAlsoReadAsACommaSeparatedString() {
        ObjectNode node = FlatConfig.write(base().build());
        node.put("lrSchedule", "step");
        node.put("lrMilestones", "3, 6");
        assertEquals(List.of(3, 6), FlatConfig.read(node).optimization().schedule().milestones());
        node.put("lrMilestones", "3;6");
        assertBad("--lr-milestones", () -> FlatConfig.read(node));
    }

    @Test
    void badValuesNameTheirOption() {
        assertBad("--weight-decay", () -> base().weightDecay(-0.1).build());
        assertBad("--weight-decay", () -> base().weightDecay(Double.NaN).build());
        assertBad("--label-smoothing", () -> base().labelSmoothing(1.0).build());
        assertBad("--label-smoothing", () -> base().labelSmoothing(-0.1).build());
        assertBad("--lr-schedule", () -> base().lrSchedule("exponential").build());
        assertBad("--lr-gamma", () -> base().lrSchedule("step").lrStepEvery(1).lrGamma(0.0).build());
        assertBad("--lr-gamma", () -> base().lrSchedule("cosine").lrGamma(0.5).build());
        assertBad("--lr-milestones", () -> base().lrSchedule("step").build());
        assertBad("--lr-milestones", () -> base().lrSchedule("step").lrMilestones(List.of(5, 2)).build());
        assertBad("--lr-milestones", () -> base().lrSchedule("cosine").lrMilestones(List.of(2)).build());
        assertBad("--lr-step-every", () -> base().lrSchedule("step").lrStepEvery(0).build());
        assertBad("--lr-step-every", () -> base().lrStepEvery(2).build());
        assertBad("--lr-floor", () -> base().lrSchedule("cosine").lrFloor(-1.0).build());
        assertBad("--lr-floor", () -> base().lrFloor(0.1).build());
        assertBad("--warmup-epochs", () -> base().warmupEpochs(-1).build());
        assertBad("--warmup-steps", () -> base().warmupEpochs(1).warmupSteps(10).build());
        ObjectNode node = FlatConfig.write(base().build());
        node.put("lrScaling", "cubic");
        assertBad("--lr-scaling", () -> FlatConfig.read(node));
    }

    @Test
    void runFactsAreAttachedOnlyWhenTheScheduleOrScalingNeedsThem() {
        OptimizationSettings decayOnly = new OptimizationSettings(1e-4, 0.1, null, null);
        TrainingOptions o = decayOnly.options(4, 1000, 64, 3, 0);
        assertNull(o.run(), "a constant unscaled rate needs no run facts");
        assertEquals(1e-4, o.weightDecay());
        assertEquals(0.1, o.labelSmoothing());

        OptimizationSettings cosine = new OptimizationSettings(null, null,
                new ScheduleSettings("cosine", null, null, null, null, 1, null), LrScaling.LINEAR);
        TrainingOptions c = cosine.options(4, 1000, 64, 3, 250);
        // the largest partition's 1000 records in batches of 64: 16 steps per epoch, the last one short
        assertEquals(new RunSteps(250, 16, 3, 4), c.run());
        assertEquals(0.4 * (0.25 + 0.75 * 1 / 16), c.rate(0.1, 250), 1e-15, "warm-up from near the unscaled rate");
        assertEquals(0.4, c.rate(0.1, 250 + 16), 1e-15, "the scaled peak after one epoch");
        assertEquals(0, c.rate(0.1, 250 + 48), 1e-15, "cosine to 0 at the end of the run");

        TrainingOptions scaledOnly = new OptimizationSettings(null, null, null, LrScaling.SQRT).options(9, 10, 5, 1, 0);
        assertEquals(3, scaledOnly.run().lrScale(), 1e-15);
        assertEquals(0.3, scaledOnly.rate(0.1, 0), 1e-15);
        assertNull(new OptimizationSettings(null, null, null, LrScaling.LINEAR).options(1, 10, 5, 1, 0).run(),
                "one worker: nothing to scale");
    }

    @Test
    void unsetOptionsTakeTheModelDefinitionsDefaults() {
        TrainingOptions defaults = new TrainingOptions(5e-4, 0.1, LrSchedule.cosine(0).withWarmupEpochs(1), null);
        TrainingOptions none = OptimizationSettings.NONE.options(defaults, 2, 100, 10, 3, 0);
        assertEquals(5e-4, none.weightDecay());
        assertEquals(0.1, none.labelSmoothing());
        assertEquals(defaults.schedule(), none.schedule());
        assertEquals(new RunSteps(0, 10, 3, 1), none.run());
        TrainingOptions given = new OptimizationSettings(0.0, null, new ScheduleSettings("step", null, 1, null, null,
                null, null), null).options(defaults, 2, 100, 10, 3, 0);
        assertEquals(0, given.weightDecay(), "an option given as 0 turns the default off");
        assertEquals(0.1, given.labelSmoothing());
        assertEquals(LrSchedule.stepEvery(LrSchedule.DEFAULT_GAMMA, 1), given.schedule(),
                "any schedule option replaces the definition's whole schedule");
    }

    private static void assertBad(String option, Runnable r) {
        ConfigException e = assertThrows(ConfigException.class, r::run);
        assertTrue(e.getMessage().startsWith(option + " "), e.getMessage());
    }
}
