package dev.sparkcnn.driver.jobs;

import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.driver.config.TrainingConfig;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.store.Checkpoint;
import dev.sparkcnn.driver.store.Checkpoints;
import dev.sparkcnn.driver.train.RoundListener;
import dev.sparkcnn.driver.train.RoundStats;
import dev.sparkcnn.driver.train.TrainingStart;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.ModelState;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a checkpoint after every N rounds (or after each epoch's last round) and after the run's
 * last round. It runs on the driver between rounds, after the round's state is final, so a
 * checkpoint never holds a round that did not complete (in particular not one whose loss became
 * NaN: that round throws before any listener hears of it).
 */
final class Checkpointer implements RoundListener {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sparkcnn");

    private final HadoopConf hadoop;
    private final String dir;
    private final int every;
    private final int roundsPerEpoch;
    private final ModelSpec spec;
    private final DatasetSpec data;
    private final TrainingConfig config;
    private final List<RoundStats> history;
    private final EpochValidation epochs;
    private String lastWritten;

    /**
     * @param config  the run's configuration: where checkpoints go and how often (null = at each
     *                epoch's end); it is stored in every checkpoint
     * @param history the rounds completed before this process started (a resumed run's)
     * @param epochs  the run's per-epoch figures and kept state, stored with every checkpoint and
     *                rewound with it
     */
    Checkpointer(HadoopConf hadoop, TrainingConfig config, int roundsPerEpoch, ModelSpec spec, DatasetSpec data,
                 List<RoundStats> history, EpochValidation epochs, String lastWritten) {
        Integer every = config.output().checkpointEvery();
        this.hadoop = hadoop;
        this.dir = config.output().effectiveCheckpointDir();
        this.every = every != null ? every : roundsPerEpoch;
        this.roundsPerEpoch = roundsPerEpoch;
        this.spec = spec;
        this.data = data;
        this.config = config;
        this.history = new ArrayList<>(history);
        this.epochs = epochs;
        this.lastWritten = lastWritten;
    }

    @Override
    public void roundFinished(RoundStats stats, int totalRounds, ModelState state) {
        history.add(stats);
        if (stats.round() % every != 0 && stats.round() != totalRounds) {
            return;
        }
        Checkpoint.Info info = new Checkpoint.Info(Checkpoints.FORMAT_VERSION, stats.round(), stats.epoch(),
                roundsPerEpoch, totalRounds, spec, data, config, List.copyOf(history), epochs.epochs(), epochs.kept());
        lastWritten = Checkpoints.write(hadoop, dir, new Checkpoint(info, state, epochs.keptState()));
        LOG.info("checkpoint written: {}", lastWritten);
    }

    /**
     * Where training restarts after a failure: the newest checkpoint, read back from storage, or
     * {@code initial} when none was written yet. The history and the epochs are cut back to match.
     */
    TrainingStart rewind(TrainingStart initial) {
        history.clear();
        if (lastWritten == null) {
            history.addAll(initial.history());
            epochs.restore(null);
            return initial;
        }
        Checkpoint c = Checkpoints.read(hadoop, lastWritten);
        history.addAll(c.info().rounds());
        epochs.restore(EpochValidation.Snapshot.of(null, c, roundsPerEpoch));
        return new TrainingStart(c.state(), c.info().rounds());
    }

    /** The newest checkpoint of this run, or null when none exists yet. */
    String lastWritten() {
        return lastWritten;
    }
}
