package dev.sparkcnn.driver.config;

import dev.sparkcnn.kernels.optim.LrSchedule;
import java.util.List;
import java.util.Map;

/**
 * The learning-rate schedule as configured; every field null when not set. Validated by building
 * the {@link LrSchedule}, each problem reported under the option that set the value.
 *
 * @param decay        constant, step or cosine; null = constant
 * @param gamma        step: factor at each milestone; null = {@link LrSchedule#DEFAULT_GAMMA}
 * @param stepEvery    step: a milestone every N epochs
 * @param milestones   step: the epochs (counts of finished epochs) after which the rate drops
 * @param floor        cosine: the learning rate at the end; null = 0
 * @param warmupEpochs linear warm-up over the first N epochs
 * @param warmupSteps  linear warm-up over the first N optimizer steps
 */
public record ScheduleSettings(String decay, Double gamma, Integer stepEvery, List<Integer> milestones, Double floor,
                               Integer warmupEpochs, Integer warmupSteps) {

    /** Nothing set: a constant learning rate. */
    public static final ScheduleSettings NONE = new ScheduleSettings(null, null, null, null, null, null, null);

    /** The option that sets each {@link LrSchedule} component. */
    private static final Map<String, String> OPTIONS = Map.of("decay", "--lr-schedule", "gamma", "--lr-gamma",
            "stepEvery", "--lr-step-every", "milestones", "--lr-milestones", "floor", "--lr-floor",
            "warmupEpochs", "--warmup-epochs", "warmupSteps", "--warmup-steps");

    public ScheduleSettings {
        milestones = milestones == null ? null : List.copyOf(milestones);
        schedule(decay, gamma, stepEvery, milestones, floor, warmupEpochs, warmupSteps);
    }

    /** The schedule these settings describe. */
    public LrSchedule schedule() {
        return schedule(decay, gamma, stepEvery, milestones, floor, warmupEpochs, warmupSteps);
    }

    private static LrSchedule schedule(String decay, Double gamma, Integer stepEvery, List<Integer> milestones,
                                       Double floor, Integer warmupEpochs, Integer warmupSteps) {
        try {
            return new LrSchedule(decay == null ? LrSchedule.Decay.CONSTANT : LrSchedule.Decay.of(decay),
                    gamma == null ? LrSchedule.DEFAULT_GAMMA : gamma, stepEvery == null ? 0 : zeroRefused(stepEvery,
                    "stepEvery"), milestones, floor == null ? 0 : floor,
                    warmupEpochs == null ? 0 : warmupEpochs, warmupSteps == null ? 0 : warmupSteps);
        } catch (LrSchedule.Invalid e) {
            String problem = e.problem();
            for (String field : List.of("stepEvery", "warmupEpochs", "warmupSteps")) { // the other fields as options too
                problem = problem.replace(field, OPTIONS.get(field));
            }
            throw new ConfigException(OPTIONS.getOrDefault(e.field(), e.field()) + " " + problem);
        }
    }

    /** 0 means "not set" inside {@link LrSchedule}; as an option it is an error. */
    private static int zeroRefused(int value, String field) {
        if (value == 0) {
            throw new LrSchedule.Invalid(field, "must be at least 1 epoch, got 0");
        }
        return value;
    }
}
