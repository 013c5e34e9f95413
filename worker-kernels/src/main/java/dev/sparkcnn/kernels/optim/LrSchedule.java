package dev.sparkcnn.kernels.optim;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * How the learning rate moves during a run, as a user gives it: a decay ({@code constant},
 * {@code step} or {@code cosine}) after an optional linear warm-up. {@link #rate} turns it into a
 * pure function of the optimizer's step count (the iteration carried in the model state), so every
 * strategy, engine and a resumed run give the same rate at the same step.
 *
 * <p>With {@code s} the steps taken in this run ({@code iteration - }{@link RunSteps#startIteration}),
 * {@code W} the warm-up steps, {@code T} the run's steps and {@code peak} the learning rate times
 * the {@linkplain RunSteps#lrScale worker scaling}:
 * <ul>
 *   <li>warm-up, {@code s < W}: {@code peak * (f0 + (1 - f0) (s + 1) / W)}, where {@code f0} is
 *       {@code 1 / scale} under learning-rate scaling (the ramp starts at the unscaled rate, as
 *       Goyal et al. do) and 0 otherwise;</li>
 *   <li>{@code step}: {@code peak * gamma^m}, {@code m} the milestones (epochs of this run, 0-based
 *       epoch {@code s / steps per epoch}) reached; {@code every N} means milestones N, 2N, ...;</li>
 *   <li>{@code cosine}: from {@code peak} at the end of the warm-up to {@code floor} at {@code T}:
 *       {@code floor + (peak - floor) (1 + cos(pi (s - W) / (T - W))) / 2};</li>
 *   <li>{@code constant}: {@code peak}.</li>
 * </ul>
 *
 * @param decay        the decay after the warm-up
 * @param gamma        {@code step}: the factor at each milestone, in (0, 1]
 * @param stepEvery    {@code step}: a milestone every this many epochs (0 = use {@code milestones})
 * @param milestones   {@code step}: the epochs (1-based counts of finished epochs) at which the rate is multiplied by gamma
 * @param floor        {@code cosine}: the learning rate at the end of the run, &gt;= 0
 * @param warmupEpochs epochs of linear warm-up (0 = none)
 * @param warmupSteps  steps of linear warm-up (0 = none); at most one of the two warm-ups
 */
public record LrSchedule(Decay decay, double gamma, int stepEvery, List<Integer> milestones, double floor,
                         int warmupEpochs, int warmupSteps) implements Serializable {

    /** The factor {@code step} multiplies by when none is given. */
    public static final double DEFAULT_GAMMA = 0.1;

    /** The learning rate throughout. */
    public static final LrSchedule CONSTANT = new LrSchedule(Decay.CONSTANT, DEFAULT_GAMMA, 0, List.of(), 0, 0, 0);

    /** The decays. */
    public enum Decay {
        CONSTANT, STEP, COSINE;

        /** The name used in options and files. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** All names. */
        public static List<String> ids() {
            return Arrays.stream(values()).map(Decay::id).toList();
        }

        /** The decay named {@code id}; {@link Invalid} (field {@code decay}) if there is none. */
        public static Decay of(String id) {
            for (Decay d : values()) {
                if (d.id().equals(id)) {
                    return d;
                }
            }
            throw new Invalid("decay", "'" + id + "' is not a schedule; use one of " + String.join(", ", ids()));
        }
    }

    /** A value that does not fit; {@link #field} names the record component, so callers can name their option. */
    public static final class Invalid extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String field;

        public Invalid(String field, String problem) {
            super(field + " " + problem);
            this.field = field;
        }

        /** The component: decay, gamma, stepEvery, milestones, floor, warmupEpochs or warmupSteps. */
        public String field() {
            return field;
        }

        /** The problem without the field's name. */
        public String problem() {
            return getMessage().substring(field.length() + 1);
        }
    }

    public LrSchedule {
        decay = decay == null ? Decay.CONSTANT : decay;
        milestones = milestones == null ? List.of() : List.copyOf(milestones);
        if (!(gamma > 0 && gamma <= 1)) {
            throw new Invalid("gamma", "must be in (0, 1], got " + gamma);
        }
        if (stepEvery < 0) {
            throw new Invalid("stepEvery", "must be at least 1 epoch, got " + stepEvery);
        }
        for (int i = 0; i < milestones.size(); i++) {
            if (milestones.get(i) < 1 || (i > 0 && milestones.get(i) <= milestones.get(i - 1))) {
                throw new Invalid("milestones", "must be increasing epochs >= 1, got " + milestones);
            }
        }
        if (!(floor >= 0) || Double.isInfinite(floor)) {
            throw new Invalid("floor", "must be a finite learning rate >= 0, got " + floor);
        }
        if (warmupEpochs < 0 || warmupSteps < 0) {
            throw new Invalid(warmupEpochs < 0 ? "warmupEpochs" : "warmupSteps", "must be 0 or more, got "
                    + Math.min(warmupEpochs, warmupSteps));
        }
        if (warmupEpochs > 0 && warmupSteps > 0) {
            throw new Invalid("warmupSteps", "and warmupEpochs both set the warm-up; give only one of them");
        }
        if (decay == Decay.STEP && (stepEvery > 0) == !milestones.isEmpty()) {
            throw new Invalid("milestones", "or stepEvery: the step schedule needs exactly one of them, got "
                    + (stepEvery > 0 ? "both" : "neither"));
        }
        if (decay != Decay.STEP && (stepEvery > 0 || !milestones.isEmpty() || gamma != DEFAULT_GAMMA)) {
            throw new Invalid(stepEvery > 0 ? "stepEvery" : milestones.isEmpty() ? "gamma" : "milestones",
                    "applies only to the step schedule, not " + decay.id());
        }
        if (decay != Decay.COSINE && floor != 0) {
            throw new Invalid("floor", "applies only to the cosine schedule, not " + decay.id());
        }
    }

    /** Step decay at the given epochs (1-based counts of finished epochs). */
    public static LrSchedule step(double gamma, List<Integer> milestones) {
        return new LrSchedule(Decay.STEP, gamma, 0, milestones, 0, 0, 0);
    }

    /** Step decay every {@code every} epochs. */
    public static LrSchedule stepEvery(double gamma, int every) {
        return new LrSchedule(Decay.STEP, gamma, every, List.of(), 0, 0, 0);
    }

    /** Cosine decay to {@code floor} over the run. */
    public static LrSchedule cosine(double floor) {
        return new LrSchedule(Decay.COSINE, DEFAULT_GAMMA, 0, List.of(), floor, 0, 0);
    }

    /** The same decay after {@code epochs} epochs of warm-up. */
    public LrSchedule withWarmupEpochs(int epochs) {
        return new LrSchedule(decay, gamma, stepEvery, milestones, floor, epochs, 0);
    }

    /** The same decay after {@code steps} steps of warm-up. */
    public LrSchedule withWarmupSteps(int steps) {
        return new LrSchedule(decay, gamma, stepEvery, milestones, floor, 0, steps);
    }

    /** True if the rate never changes: no decay, no warm-up (so it needs no {@link RunSteps}). */
    public boolean constant() {
        return decay == Decay.CONSTANT && warmupEpochs == 0 && warmupSteps == 0;
    }

    /** Warm-up steps in a run of {@code run}'s steps per epoch. */
    public long warmup(RunSteps run) {
        return warmupSteps > 0 ? warmupSteps : (long) warmupEpochs * run.stepsPerEpoch();
    }

    /**
     * The learning rate of the step at {@code iteration}, for the base rate {@code learningRate}
     * (see the class comment).
     */
    public double rate(double learningRate, RunSteps run, long iteration) {
        double peak = learningRate * run.lrScale();
        long s = Math.max(0, iteration - run.startIteration());
        long warmup = warmup(run);
        if (s < warmup) {
            double f0 = run.lrScale() > 1 ? 1 / run.lrScale() : 0;
            return peak * (f0 + (1 - f0) * (s + 1) / warmup);
        }
        return switch (decay) {
            case CONSTANT -> peak;
            case STEP -> peak * Math.pow(gamma, reached(s / run.stepsPerEpoch()));
            case COSINE -> {
                long span = run.totalSteps() - warmup;
                double progress = span <= 0 ? 1 : Math.min(1, (double) (s - warmup) / span);
                yield floor + (peak - floor) * (1 + Math.cos(Math.PI * progress)) / 2;
            }
        };
    }

    /** Milestones reached once {@code finishedEpochs} epochs are done. */
    private int reached(long finishedEpochs) {
        if (stepEvery > 0) {
            return (int) (finishedEpochs / stepEvery);
        }
        int m = 0;
        while (m < milestones.size() && milestones.get(m) <= finishedEpochs) {
            m++;
        }
        return m;
    }

    /** One line for logs and the summary, e.g. {@code cosine to 0.0 after 2 warm-up epochs}. */
    public String describe() {
        String main = switch (decay) {
            case CONSTANT -> "constant";
            case STEP -> "step x" + gamma + (stepEvery > 0 ? " every " + stepEvery + " epochs"
                    : " at epochs " + milestones);
            case COSINE -> "cosine to " + floor;
        };
        return main + (warmupEpochs > 0 ? " after " + warmupEpochs + " warm-up epochs"
                : warmupSteps > 0 ? " after " + warmupSteps + " warm-up steps" : "");
    }
}
