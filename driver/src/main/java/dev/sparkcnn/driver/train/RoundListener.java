package dev.sparkcnn.driver.train;

/** Told about every finished round (logging, checkpoints, early stopping later). */
@FunctionalInterface
public interface RoundListener {
    void roundFinished(RoundStats stats, int totalRounds);
}
