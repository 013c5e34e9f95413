package dev.sparkcnn.kernels.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The schedule's rate at chosen steps against hand computation, its validation and its JSON form. */
class LrScheduleTest {

    /** 10 steps per epoch, 5 epochs, fresh, unscaled. */
    private static final RunSteps RUN = new RunSteps(0, 10, 5, 1);

    @Test
    void constantIsTheBaseRateAtEveryStep() {
        for (long it : new long[]{0, 1, 17, 49, 1000}) {
            assertEquals(0.1, LrSchedule.CONSTANT.rate(0.1, RUN, it), 0);
        }
        assertTrue(LrSchedule.CONSTANT.constant());
        assertEquals(0.05, TrainingOptions.NONE.rate(0.05, 123), 0, "no run needed for a constant rate");
    }

    @Test
    void linearWarmupRampsToThePeakThenHolds() {
        LrSchedule s = LrSchedule.CONSTANT.withWarmupSteps(4);
        assertEquals(0.1 * 1 / 4, s.rate(0.1, RUN, 0), 1e-15);
        assertEquals(0.1 * 2 / 4, s.rate(0.1, RUN, 1), 1e-15);
        assertEquals(0.1 * 4 / 4, s.rate(0.1, RUN, 3), 1e-15);
        assertEquals(0.1, s.rate(0.1, RUN, 4), 1e-15);
        LrSchedule epochs = LrSchedule.CONSTANT.withWarmupEpochs(1);
        assertEquals(10, epochs.warmup(RUN));
        assertEquals(0.1 * 5 / 10, epochs.rate(0.1, RUN, 4), 1e-15);
        assertEquals(0.1, epochs.rate(0.1, RUN, 10), 1e-15);
    }

    @Test
    void scaledWarmupStartsAtTheUnscaledRate() {
        RunSteps four = new RunSteps(0, 10, 5, 4); // linear scaling for 4 workers
        LrSchedule s = LrSchedule.CONSTANT.withWarmupSteps(10);
        // peak 0.4; f0 = 1/4: 0.4 * (0.25 + 0.75 * (s + 1) / 10)
        assertEquals(0.4 * (0.25 + 0.75 * 1 / 10), s.rate(0.1, four, 0), 1e-15);
        assertEquals(0.4 * (0.25 + 0.75 * 6 / 10), s.rate(0.1, four, 5), 1e-15);
        assertEquals(0.4, s.rate(0.1, four, 9), 1e-15);
        assertEquals(0.4, LrSchedule.CONSTANT.rate(0.1, four, 0), 1e-15, "no warm-up: the scaled rate at once");
    }

    @Test
    void stepDecaysAtMilestonesCountedInFinishedEpochs() {
        LrSchedule s = LrSchedule.step(0.5, List.of(2, 4));
        assertEquals(0.1, s.rate(0.1, RUN, 0), 1e-15);
        assertEquals(0.1, s.rate(0.1, RUN, 19), 1e-15, "epoch 2 (0-based 1) still at the base rate");
        assertEquals(0.05, s.rate(0.1, RUN, 20), 1e-15, "after 2 finished epochs");
        assertEquals(0.05, s.rate(0.1, RUN, 39), 1e-15);
        assertEquals(0.025, s.rate(0.1, RUN, 40), 1e-15);
        LrSchedule every = LrSchedule.stepEvery(0.1, 2);
        assertEquals(1, every.rate(1, RUN, 19), 1e-15);
        assertEquals(0.1, every.rate(1, RUN, 20), 1e-15);
        assertEquals(0.1 * 0.1, every.rate(1, RUN, 40), 1e-15);
    }

    @Test
    void cosineRunsFromThePeakAfterWarmupToTheFloorAtTheEnd() {
        LrSchedule s = LrSchedule.cosine(0.001).withWarmupSteps(10);
        assertEquals(0.1 * 5 / 10, s.rate(0.1, RUN, 4), 1e-15);
        assertEquals(0.1, s.rate(0.1, RUN, 10), 1e-15, "the peak when warm-up ends");
        // 40 steps of cosine from step 10 to 50; halfway (step 30): the mean of peak and floor
        assertEquals((0.1 + 0.001) / 2, s.rate(0.1, RUN, 30), 1e-15);
        double quarter = 0.001 + (0.1 - 0.001) * (1 + Math.cos(Math.PI * 10 / 40)) / 2;
        assertEquals(quarter, s.rate(0.1, RUN, 20), 1e-15);
        assertEquals(0.001, s.rate(0.1, RUN, 50), 1e-15);
        assertEquals(0.001, s.rate(0.1, RUN, 70), 1e-15, "held at the floor past the end");
    }

    @Test
    void aWarmStartCountsStepsFromWhereItBegan() {
        RunSteps warm = new RunSteps(1000, 10, 5, 1);
        LrSchedule s = LrSchedule.cosine(0);
        assertEquals(0.1, s.rate(0.1, warm, 1000), 1e-15);
        assertEquals(0.05, s.rate(0.1, warm, 1025), 1e-15);
        assertEquals(0, s.rate(0.1, warm, 1050), 1e-15);
    }

    @Test
    void aScheduleWithoutTheRunIsRefusedWhenTraining() {
        TrainingOptions t = new TrainingOptions(0, 0, LrSchedule.cosine(0), null);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.rate(0.1, 0));
        assertTrue(e.getMessage().contains("steps per epoch"), e.getMessage());
    }

    @Test
    void badValuesNameTheirField() {
        assertEquals("gamma", field(() -> LrSchedule.step(0, List.of(1))));
        assertEquals("gamma", field(() -> LrSchedule.step(1.5, List.of(1))));
        assertEquals("milestones", field(() -> LrSchedule.step(0.1, List.of(3, 2))));
        assertEquals("milestones", field(() -> LrSchedule.step(0.1, List.of())));
        assertEquals("stepEvery", field(() -> LrSchedule.stepEvery(0.1, -1)));
        assertEquals("floor", field(() -> LrSchedule.cosine(-1)));
        assertEquals("floor", field(() -> new LrSchedule(LrSchedule.Decay.STEP, 0.1, 2, List.of(), 0.1, 0, 0)));
        assertEquals("milestones", field(() -> new LrSchedule(LrSchedule.Decay.COSINE, 0.1, 0, List.of(2), 0, 0, 0)));
        assertEquals("warmupSteps", field(() -> LrSchedule.CONSTANT.withWarmupSteps(-2)));
        assertEquals("warmupSteps", field(() -> new LrSchedule(LrSchedule.Decay.CONSTANT, 0.1, 0, List.of(), 0, 1, 5)));
        assertEquals("decay", field(() -> LrSchedule.Decay.of("exponential")));
        assertThrows(IllegalArgumentException.class, () -> new TrainingOptions(-1, 0, null, null));
        assertThrows(IllegalArgumentException.class, () -> new TrainingOptions(0, 1, null, null));
        assertThrows(IllegalArgumentException.class, () -> new RunSteps(0, 0, 1, 1));
    }

    @Test
    void optionsRoundTripThroughJson() {
        for (TrainingOptions t : List.of(TrainingOptions.NONE,
                new TrainingOptions(5e-4, 0.1, LrSchedule.cosine(1e-5).withWarmupEpochs(2), new RunSteps(7, 30, 4, 2)),
                new TrainingOptions(0, 0, LrSchedule.step(0.2, List.of(3, 6)).withWarmupSteps(100), null),
                new TrainingOptions(1e-4, 0, LrSchedule.stepEvery(0.5, 2), new RunSteps(0, 1, 1, Math.sqrt(3))))) {
            assertEquals(t, TrainingOptions.fromJson(t.toJson()), t.toJson().toString());
        }
        assertEquals("{}", TrainingOptions.NONE.toJson().toString());
    }

    @Test
    void workerScalingFactors() {
        assertEquals(1, LrScaling.NONE.factor(8));
        assertEquals(8, LrScaling.LINEAR.factor(8));
        assertEquals(Math.sqrt(8), LrScaling.SQRT.factor(8));
        assertEquals(LrScaling.SQRT, LrScaling.of("sqrt"));
        assertThrows(IllegalArgumentException.class, () -> LrScaling.of("cubic"));
    }

    private static String field(Runnable r) {
        return assertThrows(LrSchedule.Invalid.class, r::run).field();
    }
}
