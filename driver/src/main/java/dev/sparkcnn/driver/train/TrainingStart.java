package dev.sparkcnn.driver.train;

import dev.sparkcnn.kernels.ModelState;
import java.util.List;

/**
 * Where a strategy starts: the state to train from and the rounds already done (empty for a fresh
 * run, a checkpoint's history for a resumed one). A strategy runs exactly the rounds after
 * {@code history.size()}, numbering them on from there, so a resumed run neither loses nor
 * repeats a round. The (epoch, round-within-epoch) position follows from the count because every
 * random choice of a round is drawn from (seed, epoch, partition), never from a stream that
 * earlier rounds advanced.
 *
 * @param state   parameters, updater state and iteration after the last completed round
 * @param history the completed rounds, numbered 1..n
 */
public record TrainingStart(ModelState state, List<RoundStats> history) {

    public TrainingStart {
        history = List.copyOf(history);
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).round() != i + 1) {
                throw new IllegalArgumentException("round history is not numbered 1.." + history.size()
                        + ": entry " + i + " is round " + history.get(i).round());
            }
        }
    }

    /** A fresh run from {@code initial}. */
    public static TrainingStart fresh(ModelState initial) {
        return new TrainingStart(initial, List.of());
    }

    /** Rounds already completed. */
    public int completedRounds() {
        return history.size();
    }
}
