package dev.sparkcnn.kernels.optim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The training options beyond optimizer and learning rate: weight decay, label smoothing and the
 * learning-rate schedule, with the run facts the schedule needs.
 *
 * <p><b>Weight decay</b> applies to the weights only (convolution kernels and dense matrices), never
 * to biases, batch-norm scale and shift, or the batch-norm running statistics, as DL4J's {@code l2}
 * and {@code weightDecay} do and as Goyal et al. and He et al. ("bag of tricks") recommend. For
 * {@code sgd} and {@code nesterovs} it is L2: {@code weightDecay * w} is added to the gradient
 * before the optimizer. For {@code adam} it is decoupled (AdamW, Loshchilov and Hutter):
 * {@code w -= lr * weightDecay * w} beside the Adam step, not through its moments.
 *
 * <p><b>Label smoothing</b> {@code eps} trains against {@code (1 - eps) onehot + eps / K}; the
 * training loss reported is the cross-entropy against those smoothed targets (what is minimised, as
 * PyTorch and Keras report it); evaluation's loss stays against the true labels.
 *
 * @param weightDecay    the decay coefficient, &gt;= 0 (0 = none)
 * @param labelSmoothing eps in [0, 1) (0 = none)
 * @param schedule       the learning-rate schedule
 * @param run            the run facts the schedule needs; {@code null} when not training (a model
 *                       loaded for evaluation), allowed to train only with a constant, unscaled rate
 */
public record TrainingOptions(double weightDecay, double labelSmoothing, LrSchedule schedule, RunSteps run)
        implements Serializable {

    /** No decay, no smoothing, a constant learning rate. */
    public static final TrainingOptions NONE = new TrainingOptions(0, 0, LrSchedule.CONSTANT, null);

    public TrainingOptions {
        schedule = schedule == null ? LrSchedule.CONSTANT : schedule;
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be a finite number >= 0, got " + weightDecay);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + labelSmoothing);
        }
    }

    /** The same options for a run of these facts. */
    public TrainingOptions forRun(RunSteps newRun) {
        return new TrainingOptions(weightDecay, labelSmoothing, schedule, newRun);
    }

    /** The learning rate of the step at {@code iteration} for the base rate {@code learningRate}. */
    public double rate(double learningRate, long iteration) {
        if (run == null) {
            if (!schedule.constant()) {
                throw new IllegalStateException("the learning-rate schedule (" + schedule.describe()
                        + ") needs the run's steps per epoch and epochs; none were given");
            }
            return learningRate;
        }
        return schedule.rate(learningRate, run, iteration);
    }

    /** True if every option is off and the rate is unscaled: the spec trains as before these options existed. */
    public boolean none() {
        return weightDecay == 0 && labelSmoothing == 0 && schedule.constant() && (run == null || run.lrScale() == 1);
    }

    /** One line for logs, e.g. {@code weight decay 5e-4, label smoothing 0.1, lr cosine to 0.0 (x2 for workers)}. */
    public String describe() {
        return "weight decay " + weightDecay + ", label smoothing " + labelSmoothing + ", learning rate "
                + schedule.describe() + (run != null && run.lrScale() != 1 ? " (x" + run.lrScale() + " for the workers)"
                : "");
    }

    /** The JSON form, as {@code model.json} and checkpoints store it: only what differs from {@link #NONE}. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (weightDecay != 0) {
            node.put("weightDecay", weightDecay);
        }
        if (labelSmoothing != 0) {
            node.put("labelSmoothing", labelSmoothing);
        }
        if (!schedule.equals(LrSchedule.CONSTANT)) {
            node.set("schedule", scheduleJson(schedule));
        }
        if (run != null) {
            ObjectNode r = node.putObject("run");
            r.put("startIteration", run.startIteration());
            r.put("stepsPerEpoch", run.stepsPerEpoch());
            r.put("epochs", run.epochs());
            r.put("lrScale", run.lrScale());
        }
        return node;
    }

    /** A schedule as JSON: its decay and the fields that differ from the constant schedule's. */
    public static ObjectNode scheduleJson(LrSchedule s) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("decay", s.decay().id());
        if (s.decay() == LrSchedule.Decay.STEP) {
            node.put("gamma", s.gamma());
        }
        if (s.stepEvery() > 0) {
            node.put("stepEvery", s.stepEvery());
        }
        if (!s.milestones().isEmpty()) {
            s.milestones().forEach(node.putArray("milestones")::add);
        }
        if (s.decay() == LrSchedule.Decay.COSINE) {
            node.put("floor", s.floor());
        }
        if (s.warmupEpochs() > 0) {
            node.put("warmupEpochs", s.warmupEpochs());
        }
        if (s.warmupSteps() > 0) {
            node.put("warmupSteps", s.warmupSteps());
        }
        return node;
    }

    /** Reads {@link #toJson}'s form; {@code null} or a missing node is {@link #NONE}. */
    public static TrainingOptions fromJson(JsonNode node) {
        if (node == null || node.isNull()) {
            return NONE;
        }
        JsonNode r = node.get("run");
        RunSteps run = r == null ? null : new RunSteps(r.path("startIteration").asLong(),
                r.path("stepsPerEpoch").asLong(), r.path("epochs").asInt(), r.path("lrScale").asDouble());
        return new TrainingOptions(node.path("weightDecay").asDouble(0), node.path("labelSmoothing").asDouble(0),
                node.has("schedule") ? scheduleFromJson(node.get("schedule")) : LrSchedule.CONSTANT, run);
    }

    /** Reads {@link #scheduleJson}'s form. */
    public static LrSchedule scheduleFromJson(JsonNode s) {
        List<Integer> milestones = new ArrayList<>();
        s.path("milestones").forEach(m -> milestones.add(m.asInt()));
        return new LrSchedule(LrSchedule.Decay.of(s.path("decay").asText("constant")),
                s.path("gamma").asDouble(LrSchedule.DEFAULT_GAMMA), s.path("stepEvery").asInt(0), milestones,
                s.path("floor").asDouble(0), s.path("warmupEpochs").asInt(0), s.path("warmupSteps").asInt(0));
    }
}
