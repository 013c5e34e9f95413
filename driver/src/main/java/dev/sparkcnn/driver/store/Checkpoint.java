package dev.sparkcnn.driver.store;

import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.driver.config.TrainingConfig;
import dev.sparkcnn.driver.train.EpochStats;
import dev.sparkcnn.driver.train.KeptEpoch;
import dev.sparkcnn.driver.train.RoundStats;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.ModelState;
import java.util.List;

/**
 * A training run stopped after a completed round, with everything needed to continue it exactly:
 * the state (parameters, updater state, iteration) and {@link Info}, and with {@code --keep-best}
 * the best epoch's state so far ({@code kept}; null otherwise). No RNG state is stored
 * because there is none to store: every random choice of a round is drawn from a generator
 * seeded by (seed, epoch, partition) ({@link dev.sparkcnn.datasets.Seeds}), so the round number
 * and the configuration decide the rest of the run.
 */
public record Checkpoint(Info info, ModelState state, ModelState kept) {

    /** A checkpoint without a kept state. */
    public Checkpoint(Info info, ModelState state) {
        this(info, state, null);
    }

    /**
     * The content of {@code checkpoint.json}.
     *
     * @param formatVersion  of this layout
     * @param round          completed rounds (1-based number of the last one)
     * @param epoch          1-based epoch of that round
     * @param roundsPerEpoch of the run; a resume that computes another figure is running on other data
     * @param totalRounds    of the whole run
     * @param spec           the network trained, with the learning rate in effect (a warm start's scaled one)
     * @param data           the dataset's image shape and classes
     * @param config         the run's complete configuration
     * @param rounds         the history of rounds 1..round
     * @param epochs         the completed epochs' figures, held-out ones included; null in checkpoints
     *                       written before they were recorded (a resume then derives the training ones)
     * @param kept           {@code --keep-best}: the best epoch so far, whose state is {@code kept}; else null
     */
    public record Info(int formatVersion, int round, int epoch, int roundsPerEpoch, int totalRounds, ModelSpec spec,
                       DatasetSpec data, TrainingConfig config, List<RoundStats> rounds, List<EpochStats> epochs,
                       KeptEpoch kept) {

        /** Without epochs (as checkpoints were before they were recorded). */
        public Info(int formatVersion, int round, int epoch, int roundsPerEpoch, int totalRounds, ModelSpec spec,
                    DatasetSpec data, TrainingConfig config, List<RoundStats> rounds) {
            this(formatVersion, round, epoch, roundsPerEpoch, totalRounds, spec, data, config, rounds, null, null);
        }
    }
}
