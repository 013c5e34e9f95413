package dev.sparkcnn.driver.jobs;

import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.TrainingConfig;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.store.Checkpoint;
import dev.sparkcnn.driver.store.ModelDirectory;
import dev.sparkcnn.driver.store.SavedModel;
import dev.sparkcnn.driver.train.TrainingStart;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;

/**
 * What a training run starts from, decided on the driver before Spark starts: a fresh
 * initialisation, a stored model (warm start, {@code --init-from}), or a checkpoint
 * ({@code --resume}). Each carries the network spec in effect, since a warm start takes the
 * optimizer and (scaled) learning rate of the stored model and a resume the checkpoint's.
 *
 * @param spec  the network to train, with its learning rate
 * @param start the state and completed rounds
 */
record StartingPoint(ModelSpec spec, TrainingStart start) {

    static StartingPoint fresh(ModelSpec spec, String engine) {
        try (Network net = NetworkFactory.create(spec, engine)) {
            return new StartingPoint(spec, TrainingStart.fresh(net.initialState()));
        }
    }

    /**
     * Continues a stored model: same model, input shape and classes (else a usage error naming
     * both), its optimizer (its updater state fits no other), its learning rate times
     * {@code --lr-factor} unless {@code --learning-rate} is given, and its iteration count.
     */
    static StartingPoint warm(HadoopConf hadoop, TrainingConfig config, ModelSpec requested) {
        String dir = config.warmStart().initFrom();
        SavedModel stored = ModelDirectory.read(hadoop, dir);
        ModelSpec s = stored.spec();
        if (!describe(s).equals(describe(requested))) {
            throw new ConfigException("--init-from " + dir + " holds " + describe(s) + ", but this run trains "
                    + describe(requested) + "; a warm start needs the same model, input shape and classes");
        }
        String optimizer = s.effectiveOptimizer().id();
        if (config.model().optimizer() != null && config.model().optimizer() != s.effectiveOptimizer()) {
            throw new ConfigException("--optimizer " + config.model().optimizer().id()
                    + " differs from the --init-from model's ("
                    + optimizer + ", in " + dir + "); its updater state fits only " + optimizer
                    + ", so omit --optimizer");
        }
        Double lrFactor = config.warmStart().lrFactor();
        double lr = config.model().learningRate() != null ? config.model().learningRate()
                : s.learningRate() * (lrFactor != null ? lrFactor : 1.0);
        ModelSpec spec = requested.withOptimizer(s.effectiveOptimizer()).withLearningRate(lr);
        StartingPoint fresh = fresh(spec, config.model().engine().id());
        ModelState state = stored.state();
        ModelState shape = fresh.start().state();
        if (state.params().length != shape.params().length
                || state.updaterState().length != shape.updaterState().length) {
            throw new ConfigException("--init-from " + dir + ": its state has " + state.params().length
                    + " parameters and " + state.updaterState().length + " updater values, but engine "
                    + config.model().engine().id() + " builds " + shape.params().length + " and "
                    + shape.updaterState().length);
        }
        return new StartingPoint(spec, TrainingStart.fresh(state));
    }

    /**
     * Continues a checkpointed run. The data must still be what it was: the same image shape and
     * classes, and the same rounds per epoch (which follow from the partition sizes).
     */
    static StartingPoint resumed(Checkpoint checkpoint, String path, DatasetSpec data, int roundsPerEpoch) {
        Checkpoint.Info info = checkpoint.info();
        if (!info.data().equals(data) || info.roundsPerEpoch() != roundsPerEpoch) {
            throw new ConfigException("--resume " + path + ": the data at " + info.config().data() + " changed since "
                    + "the checkpoint (then " + shape(info.data()) + ", " + info.roundsPerEpoch()
                    + " rounds per epoch; now " + shape(data) + ", " + roundsPerEpoch + "); a resume needs the same "
                    + "data, else start a new run (with --init-from to keep the training)");
        }
        return new StartingPoint(info.spec(), new TrainingStart(checkpoint.state(), info.rounds()));
    }

    private static String describe(ModelSpec s) {
        return s.model() + " for " + s.channels() + "x" + s.height() + "x" + s.width() + " images, " + s.numClasses()
                + " classes";
    }

    private static String shape(DatasetSpec d) {
        return d.channels() + "x" + d.height() + "x" + d.width() + " images, " + d.classNames().size() + " classes";
    }
}
