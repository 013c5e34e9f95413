package dev.sparkcnn.driver.train;

import dev.sparkcnn.kernels.ModelState;

/** Told about every finished round (logging, checkpoints, early stopping later). */
@FunctionalInterface
public interface RoundListener {
    /**
     * @param stats       the round's figures
     * @param totalRounds rounds of the whole run
     * @param state       the state the round ended with (never mutated by the strategy afterwards)
     */
    void roundFinished(RoundStats stats, int totalRounds, ModelState state);

    /** This listener, then {@code next}. */
    default RoundListener andThen(RoundListener next) {
        return (stats, total, state) -> {
            roundFinished(stats, total, state);
            next.roundFinished(stats, total, state);
        };
    }
}
