package dev.sparkcnn.driver.config;

import static dev.sparkcnn.driver.config.Choices.require;

import dev.sparkcnn.kernels.optim.LrScaling;
import dev.sparkcnn.kernels.optim.LrSchedule;
import dev.sparkcnn.kernels.optim.RunSteps;
import dev.sparkcnn.kernels.optim.TrainingOptions;

/**
 * Training options beyond the optimizer and its learning rate: weight decay, label smoothing, the
 * learning-rate schedule and its scaling with the number of workers. Null fields are not set
 * (off). What each does: {@link TrainingOptions}, {@link LrSchedule}, {@link LrScaling}.
 *
 * @param weightDecay    L2 (sgd, nesterovs) or decoupled (adam: AdamW) decay of the weights, &gt;= 0
 * @param labelSmoothing eps in [0, 1)
 * @param schedule       the learning-rate schedule; null = constant
 * @param lrScaling      learning rate x workers (linear), x sqrt(workers), or not scaled (null, none)
 */
public record OptimizationSettings(Double weightDecay, Double labelSmoothing, ScheduleSettings schedule,
                                   LrScaling lrScaling) {

    /** Nothing set. */
    public static final OptimizationSettings NONE = new OptimizationSettings(null, null, null, null);

    public OptimizationSettings {
        schedule = schedule == null ? ScheduleSettings.NONE : schedule;
        require(weightDecay == null || (weightDecay >= 0 && Double.isFinite(weightDecay)), "--weight-decay",
                "must be a number >= 0, got " + weightDecay);
        require(labelSmoothing == null || (labelSmoothing >= 0 && labelSmoothing < 1), "--label-smoothing",
                "must be in [0, 1), got " + labelSmoothing);
    }

    /** The scaling in effect. */
    public LrScaling lrScalingOrNone() {
        return lrScaling == null ? LrScaling.NONE : lrScaling;
    }

    /** The kernels' options for a run without model defaults (see below). */
    public TrainingOptions options(int workers, long largestPartition, int batchSize, int epochs,
                                   long startIteration) {
        return options(TrainingOptions.NONE, workers, largestPartition, batchSize, epochs, startIteration);
    }

    /**
     * The kernels' options for a run: each setting given here, else the model definition's default
     * (the schedule as a whole: any schedule option replaces the definition's schedule); the run's
     * facts are attached only when the schedule or the scaling needs them, so a run without these
     * options stores the same spec as before they existed.
     *
     * @param defaults         the model definition's defaults
     * @param workers          data partitions trained in parallel
     * @param largestPartition training records of the largest partition
     * @param batchSize        the mini-batch size
     * @param epochs           epochs of the run
     * @param startIteration   the starting state's iteration
     */
    public TrainingOptions options(TrainingOptions defaults, int workers, long largestPartition, int batchSize,
                                   int epochs, long startIteration) {
        LrSchedule s = schedule.equals(ScheduleSettings.NONE) ? defaults.schedule() : schedule.schedule();
        double scale = lrScalingOrNone().factor(workers);
        RunSteps run = s.constant() && scale == 1 ? null
                : new RunSteps(startIteration, RunSteps.stepsPerEpoch(largestPartition, batchSize), epochs, scale);
        return new TrainingOptions(weightDecay == null ? defaults.weightDecay() : weightDecay,
                labelSmoothing == null ? defaults.labelSmoothing() : labelSmoothing, s, run);
    }
}
