package dev.sparkcnn.driver.train;

import java.util.List;

/**
 * The epoch whose end state {@code --keep-best} writes as the model: the highest held-out
 * accuracy among the evaluated epochs; of equal accuracies the earliest epoch stays (it is as good
 * on held-out data and has fitted the training data less). Loss does not break ties: accuracy is
 * what the model is chosen for, and one number keeps the rule easy to check by hand.
 *
 * @param epoch           1-based epoch kept
 * @param round           its last round
 * @param heldOutAccuracy its held-out accuracy
 * @param heldOutLoss     its held-out loss
 */
public record KeptEpoch(int epoch, int round, double heldOutAccuracy, double heldOutLoss) {

    /** The epoch as kept; it must have been evaluated. */
    public static KeptEpoch of(EpochStats e) {
        if (!e.validated()) {
            throw new IllegalArgumentException("epoch " + e.epoch() + " was not evaluated on the held-out split");
        }
        return new KeptEpoch(e.epoch(), e.round(), e.heldOutAccuracy(), e.heldOutLoss());
    }

    /** Whether {@code candidate} replaces {@code best} (null: none kept yet). */
    public static boolean replaces(EpochStats candidate, KeptEpoch best) {
        return candidate.validated() && (best == null || candidate.heldOutAccuracy() > best.heldOutAccuracy());
    }

    /** The epoch kept among {@code epochs} in order; null when none was evaluated. */
    public static KeptEpoch best(List<EpochStats> epochs) {
        KeptEpoch best = null;
        for (EpochStats e : epochs) {
            if (replaces(e, best)) {
                best = of(e);
            }
        }
        return best;
    }
}
