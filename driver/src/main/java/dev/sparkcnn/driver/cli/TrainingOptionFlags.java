package dev.sparkcnn.driver.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkcnn.kernels.optim.LrSchedule;
import picocli.CommandLine.Option;

/**
 * {@code train}'s options for weight decay, label smoothing, the learning-rate schedule and its
 * scaling with the workers; each goes into the flat configuration under its field
 * ({@link dev.sparkcnn.driver.config.FlatConfig}), where it is validated.
 */
public final class TrainingOptionFlags {
    @Option(names = "--weight-decay", paramLabel = "WD", description = "Weight decay of the weights (not biases, "
            + "batch-norm scale/shift or running statistics): L2 added to the gradient for sgd and nesterovs, "
            + "decoupled for adam (AdamW: w -= lr*WD*w). Default 0.")
    Double weightDecay;

    @Option(names = "--label-smoothing", paramLabel = "EPS", description = "Train against (1-EPS)*onehot + EPS/K; "
            + "the training loss is reported against these targets. In [0, 1); default 0.")
    Double labelSmoothing;

    @Option(names = "--lr-schedule", paramLabel = "constant|step|cosine", description = "Learning rate over the "
            + "run: constant (default), step (x --lr-gamma after --lr-milestones or every --lr-step-every epochs) "
            + "or cosine (to --lr-floor at the last step).")
    String lrSchedule;

    @Option(names = "--lr-gamma", paramLabel = "G", description = "step: the factor at each milestone, in (0, 1] "
            + "(default " + LrSchedule.DEFAULT_GAMMA + ").")
    Double lrGamma;

    @Option(names = "--lr-milestones", paramLabel = "E1,E2...", description = "step: the epochs after which the "
            + "rate drops, e.g. 30,60.")
    String lrMilestones;

    @Option(names = "--lr-step-every", paramLabel = "N", description = "step: drop the rate every N epochs.")
    Integer lrStepEvery;

    @Option(names = "--lr-floor", paramLabel = "LR", description = "cosine: the learning rate at the end (default 0).")
    Double lrFloor;

    @Option(names = "--warmup-epochs", paramLabel = "N", description = "Linear warm-up over the first N epochs "
            + "(from 0, or from the unscaled rate with --lr-scaling), then the schedule.")
    Integer warmupEpochs;

    @Option(names = "--warmup-steps", paramLabel = "N", description = "Linear warm-up over the first N optimizer "
            + "steps instead.")
    Integer warmupSteps;

    @Option(names = "--lr-scaling", paramLabel = "none|linear|sqrt", description = "Scale the learning rate with "
            + "the workers (--partitions): not (default), x N (Goyal et al.; for gradient-sharing's N x batch), "
            + "or x sqrt(N). See docs/training.md for what it did to each strategy.")
    String lrScaling;

    /** Puts every given option into the flat configuration. */
    void putInto(ObjectNode node) {
        put(node, "weightDecay", weightDecay);
        put(node, "labelSmoothing", labelSmoothing);
        put(node, "lrSchedule", lrSchedule);
        put(node, "lrGamma", lrGamma);
        put(node, "lrMilestones", lrMilestones);
        put(node, "lrStepEvery", lrStepEvery);
        put(node, "lrFloor", lrFloor);
        put(node, "warmupEpochs", warmupEpochs);
        put(node, "warmupSteps", warmupSteps);
        put(node, "lrScaling", lrScaling);
    }

    private static void put(ObjectNode node, String field, Object value) {
        if (value != null) {
            node.set(field, dev.sparkcnn.driver.config.Json.MAPPER.valueToTree(value));
        }
    }
}
