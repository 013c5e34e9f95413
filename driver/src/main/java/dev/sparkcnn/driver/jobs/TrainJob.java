package dev.sparkcnn.driver.jobs;

import dev.sparkcnn.datasets.format.FormatOptions;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.config.TrainingConfig;
import dev.sparkcnn.driver.config.Storage;
import dev.sparkcnn.driver.data.DataPlan;
import dev.sparkcnn.driver.data.StorageEstimate;
import dev.sparkcnn.driver.metrics.JobLabels;
import dev.sparkcnn.driver.metrics.TrainingSource;
import dev.sparkcnn.driver.data.DatasetNormalization;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.data.LocatedDataset;
import dev.sparkcnn.driver.eval.Evaluation;
import dev.sparkcnn.driver.eval.EvaluationReport;
import dev.sparkcnn.driver.spark.SparkRuntime;
import dev.sparkcnn.driver.spark.StopWatchdog;
import dev.sparkcnn.driver.store.Checkpoints;
import dev.sparkcnn.driver.store.ModelDirectory;
import dev.sparkcnn.driver.store.SavedModel;
import dev.sparkcnn.driver.train.KeptEpoch;
import dev.sparkcnn.driver.train.RoundStats;
import dev.sparkcnn.driver.train.TrainingResult;
import dev.sparkcnn.driver.train.TrainingRun;
import dev.sparkcnn.driver.train.TrainingStart;
import dev.sparkcnn.driver.train.Strategies;
import dev.sparkcnn.driver.train.TrainingStrategy;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sparkcnn train}: {@link Preflight} on the driver (output, input, partitions, starting
 * state), then Spark: read, split, train rounds, evaluate every partition, aggregate, and write the
 * model directory atomically.
 */
public final class TrainJob {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sparkcnn");

    private final TrainingConfig requested;
    private final Map<String, String> sparkConf;
    private final PrintWriter out;
    private final Checkpoints.Loaded resume;
    private long maxImagePixels = FormatOptions.DEFAULT_MAX_IMAGE_PIXELS;
    private String ranOn;

    public TrainJob(TrainingConfig config, Map<String, String> sparkConf, PrintWriter out) {
        this(config, sparkConf, out, null);
    }

    /**
     * @param resume the checkpoint to continue from ({@code config} is then its configuration, with
     *               {@link TrainingConfig#resumedAs}); null for a new run
     */
    public TrainJob(TrainingConfig config, Map<String, String> sparkConf, PrintWriter out, Checkpoints.Loaded resume) {
        this.requested = config;
        this.sparkConf = sparkConf;
        this.out = out;
        this.resume = resume;
    }

    /**
     * Image folders: refuse (or, with {@code --on-bad-record skip}, skip) images declaring more pixels
     * than this, before decoding them. A reading limit of this process, not a setting of the run, so
     * not in {@code config.json}.
     */
    public TrainJob maxImagePixels(long pixels) {
        this.maxImagePixels = pixels;
        return this;
    }

    /** Runs the job; returns the metrics written to {@code metrics.json}. */
    public Metrics run() {
        return run(null);
    }

    /**
     * Runs the job from {@code initialOrNull} (a warm start, e.g. {@code retrain} continuing the
     * registry's champion with the configured learning rate) or, when null, as configured (fresh,
     * {@code --init-from} or the resumed checkpoint). A state of another shape is a usage error,
     * found before training starts.
     */
    public Metrics run(ModelState initialOrNull) {
        Prepared p = preflight(new HadoopConf(SparkRuntime.hadoopConfiguration(sparkConf)), initialOrNull);
        TrainingConfig config = p.config();
        Map<String, String> conf = new java.util.LinkedHashMap<>(sparkConf);
        if (config.run().threadsPerTask() != null) {
            conf.putIfAbsent("spark.executorEnv.OMP_NUM_THREADS", config.run().threadsPerTask().toString());
        }
        JavaSparkContext sc = SparkRuntime.start("sparkcnn train " + config.model().name(), config.run().master(),
                conf);
        StopWatchdog watchdog = StopWatchdog.watch(sc, "train");
        try {
            int threads = config.run().threadsPerTask() != null ? config.run().threadsPerTask()
                    : SparkRuntime.taskCpus(sc);
            // the master is known for sure only now: spark-submit's wins over the config's
            Preflight.slots("--partitions", p.strategy(), config.strategy().name(), config.run().partitions(),
                    threads, sc.master());
            ranOn = sc.master();
            return train(sc, p, threads);
        } finally {
            watchdog.stop();
        }
    }

    /**
     * What the preflight decided: the configuration with the data's format, the data, the strategy
     * and where training starts.
     */
    private record Prepared(TrainingConfig config, LocatedDataset dataset, TrainingStrategy strategy,
                            long largestPartition, int roundsPerEpoch, StartingPoint from) {
    }

    /** Everything checked before Spark starts: output, input, partitions, the starting state. */
    private Prepared preflight(HadoopConf hadoop, ModelState initialOrNull) {
        Preflight.output(hadoop, requested.output(), resume != null);
        Preflight.Input input = Preflight.input(hadoop, requested, maxImagePixels);
        TrainingConfig config = input.config();
        LocatedDataset dataset = input.dataset();
        long[] trainCounts = DataPlan.trainCounts(dataset, config.run().partitions(), config.data().testFraction());
        Preflight.partitions(config, dataset, trainCounts);
        ModelSpec requestedSpec;
        try {
            requestedSpec = ModelSpec.of(config.model().name(), dataset.spec(), config.model().learningRate(),
                    config.run().seed()).withOptimizer(config.model().optimizer());
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) { // the model does not fit the data (e.g. images too small for it)
            throw new ConfigException("--model " + config.model().name() + " on " + config.data().path() + ": "
                    + e.getMessage());
        }
        TrainingStrategy strategy = Strategies.create(config.strategy());
        long largest = Arrays.stream(trainCounts).max().orElse(0);
        int roundsPerEpoch = strategy.roundsPerEpoch(runOf(requestedSpec, config,
                ModelCatalogue.defaults(config.model().name()).normalization(dataset.spec().channels()), 1), largest);
        String engine = config.model().engine().id();
        StartingPoint from = resume != null
                ? StartingPoint.resumed(resume.checkpoint(), resume.path(), dataset.spec(), roundsPerEpoch)
                : initialOrNull != null ? new StartingPoint(requestedSpec,
                        TrainingStart.fresh(checkedInitial(requestedSpec, engine, initialOrNull)))
                : config.warmStart().initFrom() != null ? StartingPoint.warm(hadoop, config, requestedSpec)
                : StartingPoint.fresh(requestedSpec, engine);
        if (resume == null) { // a resumed run keeps its checkpoint's options, schedule facts included
            from = new StartingPoint(from.spec().withTraining(config.optimization().options(
                    requestedSpec.definition().defaults().training(), config.run().partitions(), largest,
                    config.model().effectiveBatchSize(), config.run().epochs(), from.start().state().iteration())),
                    from.start());
        }
        LOG.info("data: {} {} records ({} classes, {}x{}x{}) in {} partitions; official test records: {}",
                dataset.format(), dataset.trainRecords(), dataset.spec().numClasses(), dataset.spec().channels(),
                dataset.spec().height(), dataset.spec().width(), config.run().partitions(), dataset.testRecords());
        return new Prepared(config, dataset, strategy, largest, roundsPerEpoch, from);
    }

    /** Reads and splits the data, trains, evaluates and writes the model directory. */
    private Metrics train(JavaSparkContext sc, Prepared p, int threads) {
        TrainingConfig config = p.config();
        LocatedDataset dataset = p.dataset();
        ModelSpec spec = p.from().spec();
        HadoopConf hadoop = new HadoopConf(sc.hadoopConfiguration());
        Storage storage = config.run().storageOrDefault();
        StorageEstimate.of(storage, dataset, config.run().partitions(), sc.getConf()).print(out, LOG);
        DataPlan plan = DataPlan.create(sc, hadoop, dataset, config.run().partitions(), config.data().testFraction(),
                config.run().seed(), config.data().skipBadRecords(), storage);
        Normalization normalization = DatasetNormalization.resolve(config.data().normalization(),
                ModelCatalogue.defaults(config.model().name()).normalization(dataset.spec().channels()),
                plan.train(), dataset.spec());
        LOG.info("input normalization ({}): {}; augmentation: {}", config.data().normalize(), normalization,
                config.data().augmentation().id());
        TrainingRun run = runOf(spec, config, normalization, threads);
        LOG.info("model {} ({} parameters, engine {}), strategy {}, batch {}, averaging every {} steps, "
                        + "{} threads per task", spec.model(), p.from().start().state().params().length,
                run.engine(), config.strategy().name(), run.batchSize(),
                config.strategy().fields().averagingFrequency(), threads);
        describeStart(config, p.from(), spec);

        long start = System.nanoTime();
        EpochValidation epochs = new EpochValidation(sc, plan.test(), run, dataset.spec().classNames(),
                p.roundsPerEpoch(), config.validation(), EpochValidation.Snapshot.of(p.from().start(),
                        resume == null ? null : resume.checkpoint(), p.roundsPerEpoch()));
        Checkpointer checkpoints = checkpointer(hadoop, config, p.roundsPerEpoch(), spec, dataset, p.from(), epochs);
        TrainingSource metrics = TrainingSource.register();
        epochs.onEpoch(metrics::epochFinished);
        TrainingResult result = Restarts.fit(p.strategy(), sc, plan.train(), p.largestPartition(), p.from().start(),
                run, new RoundLogger(LOG).andThen(metrics), epochs, checkpoints,
                config.run().restartsOrZero());
        // a resumed run's figures cover the whole run: its checkpointed rounds' time counts too; the
        // per-epoch held-out evaluations are timed apart
        double trainingSeconds = (System.nanoTime() - start) / 1e9 - epochs.seconds()
                + p.from().start().history().stream().mapToDouble(RoundStats::seconds).sum();
        logDataUse(sc, plan, dataset);
        return evaluateAndWrite(sc, plan, new Trained(result, epochs), run, p, trainingSeconds);
    }

    /** What training produced: the strategy's result and the per-epoch figures with the kept epoch. */
    private record Trained(TrainingResult result, EpochValidation epochs) {
        /** The state written as the model: the kept epoch's with {@code --keep-best}, else the last. */
        ModelState model() {
            return epochs.model(result.state());
        }
    }

    private void logDataUse(JavaSparkContext sc, DataPlan plan, LocatedDataset dataset) {
        DataPlan.CacheUsage cache = plan.cacheUsage(sc);
        if (cache != null) {
            LOG.info(String.format("cached records: %.1f MB in memory, %.1f MB on disk, %d/%d partitions "
                    + "(%d records, uint8)", cache.memoryBytes() / 1e6, cache.diskBytes() / 1e6,
                    cache.cachedPartitions(), cache.partitions(), dataset.trainRecords()));
        }
        if (plan.skippedRecords() > 0) {
            LOG.warn("skipped {} bad image file(s) (--on-bad-record skip); the executor logs name each one",
                    plan.skippedRecords());
            out.printf("skipped %d bad image file(s) (--on-bad-record skip)%n", plan.skippedRecords());
        }
    }

    private Metrics evaluateAndWrite(JavaSparkContext sc, DataPlan plan, Trained trained, TrainingRun run,
                                     Prepared p, double trainingSeconds) {
        TrainingConfig config = p.config();
        LocatedDataset dataset = p.dataset();
        HadoopConf hadoop = new HadoopConf(sc.hadoopConfiguration());
        JobLabels.phase(sc, "evaluation");
        ModelState state = trained.model();
        KeptEpoch kept = config.validation().keepsBest() ? trained.epochs().kept() : null;
        if (kept != null) {
            String line = String.format("keeping epoch %d of %d (best held-out accuracy %.4f, loss %.4f) as the model",
                    kept.epoch(), config.run().epochs(), kept.heldOutAccuracy(), kept.heldOutLoss());
            LOG.info(line);
            out.printf("%n%s%n", line);
        }
        // the held-out split was evaluated with this state already when it was an evaluated epoch's end state
        EvaluationReport test = trained.epochs().reportOf(state);
        if (test == null) {
            test = evaluate(sc, plan.test(), state, run, dataset);
        }
        out.print(test.render("held-out split (" + config.data().testFraction() + " of each partition)"
                + (kept == null ? "" : ", epoch " + kept.epoch())));
        EvaluationReport official = null;
        JavaRDD<dev.sparkcnn.datasets.ImageRecord> officialRdd = plan.officialTest(sc, hadoop);
        if (officialRdd != null) {
            official = evaluate(sc, officialRdd, state, run, dataset);
            out.print(official.render("official test set (" + dataset.testRecords() + " records)"));
        }
        plan.release();

        Metrics metrics = Metrics.of(test, official, trained.result().rounds(), trainingSeconds)
                .withEpochs(trained.epochs().epochs(), kept, trained.epochs().seconds());
        SavedModel model = new SavedModel(p.from().spec(), run.engine(), dataset.spec(), run.normalization(),
                state);
        ModelDirectory.write(hadoop, config.output().out(), config.output().overwrite(), model, Json.write(config),
                Json.write(metrics));
        out.printf("%nmodel written to %s (training %.1f s, %.0f images/s)%n", config.output().out(), trainingSeconds,
                metrics.imagesPerSecond());
        return metrics;
    }

    private static EvaluationReport evaluate(JavaSparkContext sc, JavaRDD<dev.sparkcnn.datasets.ImageRecord> data,
                                             ModelState state, TrainingRun run, LocatedDataset dataset) {
        return EvaluationReport.of(Evaluation.countsPerPartition(sc, data, state, run), dataset.spec().classNames());
    }

    private static TrainingRun runOf(ModelSpec spec, TrainingConfig config, Normalization normalization,
                                     int threads) {
        return new TrainingRun(spec, config.model().engine().id(), normalization, config.model().effectiveBatchSize(),
                config.run().epochs(), config.run().seed(), threads, config.data().augmentation());
    }

    private void describeStart(TrainingConfig config, StartingPoint from, ModelSpec spec) {
        LOG.info("network:\n{}", spec.summary().table());
        if (!spec.training().none()) {
            LOG.info("training options: {}", spec.training().describe());
        }
        if (resume != null) {
            LOG.info("resuming from {} after round {} (epoch {})", resume.path(), from.start().completedRounds(),
                    resume.checkpoint().info().epoch());
        } else if (config.warmStart().initFrom() != null) {
            LOG.info("warm start from {} (iteration {}), learning rate {}", config.warmStart().initFrom(),
                    from.start().state().iteration(), spec.learningRate());
        }
    }

    /** The Spark master the last {@link #run} used (spark-submit's wins over the config's); null before. */
    public String master() {
        return ranOn;
    }

    /** {@code given} if it fits the network of {@code spec}; else a usage error naming both shapes. */
    private static ModelState checkedInitial(ModelSpec spec, String engine, ModelState given) {
        ModelState fresh;
        try (Network net = NetworkFactory.create(spec, engine)) {
            fresh = net.initialState();
        }
        if (given.params().length != fresh.params().length
                || given.updaterState().length != fresh.updaterState().length) {
            throw new ConfigException("the initial model has " + given.params().length + " parameters and "
                    + given.updaterState().length + " optimizer values, but " + spec.model() + " with this data and "
                    + "optimizer needs " + fresh.params().length + " and " + fresh.updaterState().length
                    + "; warm-start only from a model of the same architecture, data shape and optimizer");
        }
        return given;
    }

    /** The checkpoint writer, or null when checkpoints are off. */
    private Checkpointer checkpointer(HadoopConf hadoop, TrainingConfig config, int roundsPerEpoch, ModelSpec spec,
                                      LocatedDataset dataset, StartingPoint from, EpochValidation epochs) {
        String dir = config.output().effectiveCheckpointDir();
        if (dir == null) {
            return null;
        }
        if (resume != null) {
            // damaged newer checkpoints were reported; the rounds they held are about to be redone
            Checkpoints.deleteAfter(hadoop, dir, from.start().completedRounds());
        }
        return new Checkpointer(hadoop, config, roundsPerEpoch, spec, dataset.spec(), from.start().history(), epochs,
                resume == null ? null : resume.path());
    }
}
