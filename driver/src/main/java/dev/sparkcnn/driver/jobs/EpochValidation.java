package dev.sparkcnn.driver.jobs;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.driver.config.ValidationSettings;
import dev.sparkcnn.driver.eval.Evaluation;
import dev.sparkcnn.driver.eval.EvaluationReport;
import dev.sparkcnn.driver.metrics.JobLabels;
import dev.sparkcnn.driver.store.Checkpoint;
import dev.sparkcnn.driver.train.EpochStats;
import dev.sparkcnn.driver.train.KeptEpoch;
import dev.sparkcnn.driver.train.RoundListener;
import dev.sparkcnn.driver.train.RoundStats;
import dev.sparkcnn.driver.train.TrainingRun;
import dev.sparkcnn.driver.train.TrainingStart;
import dev.sparkcnn.kernels.ModelState;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At the end of every epoch (after its last round, on the driver, between Spark stages, so for
 * every strategy alike): the epoch's training figures from its rounds and, when due, the held-out
 * split evaluated with the epoch's end state ({@link Evaluation}: counts on the executors, in
 * inference mode, aggregated here), logged as one line. With {@code --keep-best} it holds the best
 * epoch's state ({@link KeptEpoch}); {@link Checkpointer} stores both, so a resume continues them.
 */
final class EpochValidation implements RoundListener {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sparkcnn");

    private final JavaSparkContext sc;
    private Consumer<EpochStats> onEpoch = e -> { };
    private final JavaRDD<ImageRecord> heldOut;
    private final TrainingRun run;
    private final List<String> classNames;
    private final int roundsPerEpoch;
    private final ValidationSettings settings;
    private final Snapshot initial;
    private final List<RoundStats> rounds = new ArrayList<>();
    private final List<EpochStats> epochs = new ArrayList<>();
    private KeptEpoch kept;
    private ModelState keptState;
    /** The newest evaluation and the state it was of: reused when that state is the model written. */
    private EvaluationReport lastReport;
    private ModelState lastState;
    private EvaluationReport keptReport;
    /** Wall time of this process's held-out evaluations, restarted attempts included. */
    private double seconds;

    /** Where a run (re)starts: its completed rounds and epochs, and the kept epoch with its state. */
    record Snapshot(List<RoundStats> rounds, List<EpochStats> epochs, KeptEpoch kept, ModelState keptState) {

        /** A fresh or warm start's (no epochs yet), or a resumed checkpoint's. */
        static Snapshot of(TrainingStart start, Checkpoint resumed, int roundsPerEpoch) {
            if (resumed == null) {
                return new Snapshot(start.history(), EpochStats.training(start.history(), roundsPerEpoch), null,
                        null);
            }
            Checkpoint.Info info = resumed.info();
            List<EpochStats> epochs = info.epochs() != null ? info.epochs()
                    : EpochStats.training(info.rounds(), roundsPerEpoch); // written before epochs were recorded
            return new Snapshot(info.rounds(), epochs, info.kept(), resumed.kept());
        }
    }

    EpochValidation(JavaSparkContext sc, JavaRDD<ImageRecord> heldOut, TrainingRun run, List<String> classNames,
                    int roundsPerEpoch, ValidationSettings settings, Snapshot start) {
        this.sc = sc;
        this.heldOut = heldOut;
        this.run = run;
        this.classNames = classNames;
        this.roundsPerEpoch = roundsPerEpoch;
        this.settings = settings;
        this.initial = start;
        restore(start);
    }

    @Override
    public void roundFinished(RoundStats stats, int totalRounds, ModelState state) {
        rounds.add(stats);
        if (stats.round() % roundsPerEpoch != 0) {
            return;
        }
        int epoch = stats.round() / roundsPerEpoch;
        EpochStats e = EpochStats.training(epoch, rounds.subList(rounds.size() - roundsPerEpoch, rounds.size()));
        double took = 0;
        if (settings.validatesAfter(epoch, totalRounds / roundsPerEpoch)) {
            long t0 = System.nanoTime();
            JobLabels.phase(sc, "validation after epoch " + epoch);
            EvaluationReport r = EvaluationReport.of(Evaluation.countsPerPartition(sc, heldOut, state, run),
                    classNames);
            took = (System.nanoTime() - t0) / 1e9;
            seconds += took;
            e = e.withHeldOut(r.loss(), r.accuracy(), r.examples());
            lastReport = r;
            lastState = state;
            if (settings.keepsBest() && KeptEpoch.replaces(e, kept)) {
                kept = KeptEpoch.of(e);
                keptState = state;
                keptReport = r;
            }
        }
        epochs.add(e);
        LOG.info(line(e, totalRounds / roundsPerEpoch, took));
        onEpoch.accept(e);
    }

    private String line(EpochStats e, int totalEpochs, double seconds) {
        StringBuilder s = new StringBuilder(String.format("epoch %d/%d  loss %.4f", e.epoch(), totalEpochs,
                e.loss()));
        if (e.accuracy() != null) {
            s.append(String.format("  acc %.4f", e.accuracy()));
        }
        if (e.validated()) {
            s.append(String.format("  held-out loss %.4f  acc %.4f (%d examples, %.1f s)", e.heldOutLoss(),
                    e.heldOutAccuracy(), e.heldOutExamples(), seconds));
        } else {
            s.append("  held-out not evaluated (--validate-every ").append(settings.every()).append(')');
        }
        if (kept != null) {
            s.append(kept.epoch() == e.epoch() ? "  best so far, kept" : "  kept: epoch " + kept.epoch());
        }
        return s.toString();
    }

    /** Tells {@code listener} of every epoch this run finishes, after it was logged (e.g. the metrics source). */
    void onEpoch(Consumer<EpochStats> listener) {
        onEpoch = listener;
    }

    /** Back to {@code snapshot} (a restart from a checkpoint), or to where this run started when null. */
    void restore(Snapshot snapshot) {
        Snapshot s = snapshot != null ? snapshot : initial;
        rounds.clear();
        rounds.addAll(s.rounds());
        epochs.clear();
        epochs.addAll(s.epochs());
        kept = s.kept();
        keptState = s.keptState();
        lastReport = null;
        lastState = null;
        keptReport = null;
    }

    /** Wall time of this process's held-out evaluations so far. */
    double seconds() {
        return seconds;
    }

    /** The completed epochs so far. */
    List<EpochStats> epochs() {
        return List.copyOf(epochs);
    }

    /** {@code --keep-best}: the best epoch so far (null before the first evaluation, or without it). */
    KeptEpoch kept() {
        return kept;
    }

    /** The kept epoch's state; null exactly when {@link #kept()} is. */
    ModelState keptState() {
        return keptState;
    }

    /** The state to write as the model: the kept epoch's with {@code --keep-best}, else {@code last}. */
    ModelState model(ModelState last) {
        return settings.keepsBest() && keptState != null ? keptState : last;
    }

    /** The held-out evaluation of {@code state} if this run already made it; null otherwise. */
    EvaluationReport reportOf(ModelState state) {
        if (state == keptState && keptReport != null) {
            return keptReport;
        }
        return state == lastState ? lastReport : null;
    }
}
