package dev.sparkcnn.driver.jobs;

import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.config.NormalizationSetting;
import dev.sparkcnn.driver.config.TrainingConfig;
import dev.sparkcnn.driver.data.DataPlan;
import dev.sparkcnn.driver.metrics.JobLabels;
import dev.sparkcnn.driver.metrics.TrainingSource;
import dev.sparkcnn.driver.data.Storage;
import dev.sparkcnn.driver.data.StorageEstimate;
import dev.sparkcnn.driver.data.DatasetLocator;
import dev.sparkcnn.driver.data.DatasetNormalization;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.data.LocatedDataset;
import dev.sparkcnn.driver.eval.Evaluation;
import dev.sparkcnn.driver.eval.EvaluationReport;
import dev.sparkcnn.driver.spark.SparkRuntime;
import dev.sparkcnn.driver.spark.StopWatchdog;
import dev.sparkcnn.driver.store.AtomicDirectory;
import dev.sparkcnn.driver.store.Checkpoints;
import dev.sparkcnn.driver.store.ModelDirectory;
import dev.sparkcnn.driver.store.SavedModel;
import dev.sparkcnn.driver.train.RoundStats;
import dev.sparkcnn.driver.train.TrainingResult;
import dev.sparkcnn.driver.train.TrainingRun;
import dev.sparkcnn.driver.train.TrainingStart;
import dev.sparkcnn.driver.train.TrainingStrategy;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import dev.sparkcnn.kernels.optim.Optimizer;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sparkcnn train}: preflight on the driver, then Spark: read, split, train rounds, evaluate
 * every partition, aggregate, and write the model directory atomically.
 */
public final class TrainJob {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sparkcnn");

    private final TrainingConfig requested;
    private final Map<String, String> sparkConf;
    private final PrintWriter out;
    private final Checkpoints.Loaded resume;
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
        HadoopConf hadoop = new HadoopConf(SparkRuntime.hadoopConfiguration(sparkConf));
        AtomicDirectory.checkWritable(hadoop, requested.out(), requested.overwrite(), "--out");
        if (resume == null) {
            prepareCheckpointDir(hadoop, requested);
        }
        LocatedDataset dataset = new DatasetLocator(hadoop).locate(requested.data(), requested.format(),
                requested.labelSet(), requested.imageSize());
        TrainingConfig config = requested.withFormat(dataset.format(), dataset.labelSet(),
                "images".equals(dataset.format()) ? dataset.spec().height() : null);
        long[] trainCounts = DataPlan.trainCounts(dataset, config.partitions(), config.testFraction());
        checkPartitions(config, dataset, trainCounts);
        if (NormalizationSetting.GIVEN.equals(config.normalization().mode())) {
            config.normalization().given(dataset.spec().channels()); // the channel count, before Spark starts
        }
        ModelSpec requestedSpec = ModelSpec.of(config.model(), dataset.spec(), config.learningRate(), config.seed())
                .withOptimizer(config.optimizer() == null ? null : Optimizer.of(config.optimizer()));
        TrainingStrategy strategy = TrainingStrategy.of(config);
        long largest = Arrays.stream(trainCounts).max().orElse(0);
        int roundsPerEpoch = strategy.roundsPerEpoch(runOf(requestedSpec, config,
                ModelCatalogue.defaults(config.model()).normalization(dataset.spec().channels()), 1), largest);
        StartingPoint from = resume != null
                ? StartingPoint.resumed(resume.checkpoint(), resume.path(), dataset.spec(), roundsPerEpoch)
                : initialOrNull != null ? new StartingPoint(requestedSpec,
                        TrainingStart.fresh(checkedInitial(requestedSpec, config.engine(), initialOrNull)))
                : config.initFrom() != null ? StartingPoint.warm(hadoop, config, requestedSpec)
                : StartingPoint.fresh(requestedSpec, config.engine());
        ModelSpec spec = from.spec();
        LOG.info("data: {} {} records ({} classes, {}x{}x{}) in {} partitions; official test records: {}",
                dataset.format(), dataset.trainRecords(), dataset.spec().numClasses(), dataset.spec().channels(),
                dataset.spec().height(), dataset.spec().width(), config.partitions(), dataset.testRecords());

        Map<String, String> conf = new java.util.LinkedHashMap<>(sparkConf);
        if (config.threadsPerTask() != null) {
            conf.putIfAbsent("spark.executorEnv.OMP_NUM_THREADS", config.threadsPerTask().toString());
        }
        JavaSparkContext sc = SparkRuntime.start("sparkcnn train " + config.model(), config.master(), conf);
        StopWatchdog watchdog = StopWatchdog.watch(sc, "train");
        try {
            checkSlots(config, sc.master());
            hadoop = new HadoopConf(sc.hadoopConfiguration());
            int threads = config.threadsPerTask() != null ? config.threadsPerTask() : SparkRuntime.taskCpus(sc);
            Storage storage = Storage.of(config.storage());
            StorageEstimate.of(storage, dataset, config.partitions(), sc.getConf()).print(out, LOG);
            DataPlan plan = DataPlan.create(sc, hadoop, dataset, config.partitions(), config.testFraction(),
                    config.seed(), config.skipBadRecords(), storage);
            Normalization normalization = DatasetNormalization.resolve(config.normalization(),
                    ModelCatalogue.defaults(config.model()).normalization(dataset.spec().channels()), plan.train(),
                    dataset.spec());
            LOG.info("input normalization ({}): {}; augmentation: {}", config.normalize(), normalization,
                    config.augment());
            TrainingRun run = runOf(spec, config, normalization, threads);
            ranOn = sc.master();
            ModelState initial = from.start().state();
            LOG.info("model {} ({} parameters, engine {}), strategy {}, batch {}, averaging every {} steps, "
                            + "{} threads per task", spec.model(), initial.params().length, config.engine(),
                    config.strategy(), run.batchSize(), run.averagingFrequency(), threads);

            describeStart(config, from, spec);
            long start = System.nanoTime();
            Checkpointer checkpoints = checkpointer(hadoop, config, roundsPerEpoch, spec, dataset, from);
            TrainingResult result = Restarts.fit(strategy, sc, plan.train(), largest, from.start(), run,
                    new RoundLogger(LOG).andThen(TrainingSource.register()), checkpoints, config.restarts() == null ? 0 : config.restarts());
            // a resumed run's figures cover the whole run: its checkpointed rounds' time counts too
            double trainingSeconds = (System.nanoTime() - start) / 1e9
                    + from.start().history().stream().mapToDouble(RoundStats::seconds).sum();
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
            JobLabels.phase(sc, "evaluation");
            EvaluationReport test = evaluate(sc, plan.test(), result.state(), run, dataset);
            out.print(test.render("held-out split (" + config.testFraction() + " of each partition)"));
            EvaluationReport official = null;
            JavaRDD<dev.sparkcnn.datasets.ImageRecord> officialRdd = plan.officialTest(sc, hadoop);
            if (officialRdd != null) {
                official = evaluate(sc, officialRdd, result.state(), run, dataset);
                out.print(official.render("official test set (" + dataset.testRecords() + " records)"));
            }
            plan.release();

            Metrics metrics = Metrics.of(test, official, result.rounds(), trainingSeconds);
            SavedModel model = new SavedModel(spec, config.engine(), dataset.spec(), run.normalization(),
                    result.state());
            ModelDirectory.write(hadoop, config.out(), config.overwrite(), model, Json.write(config),
                    Json.write(metrics));
            out.printf("%nmodel written to %s (training %.1f s, %.0f images/s)%n", config.out(), trainingSeconds,
                    metrics.imagesPerSecond());
            return metrics;
        } finally {
            watchdog.stop();
        }
    }

    private static EvaluationReport evaluate(JavaSparkContext sc, JavaRDD<dev.sparkcnn.datasets.ImageRecord> data,
                                             ModelState state, TrainingRun run, LocatedDataset dataset) {
        return EvaluationReport.of(Evaluation.countsPerPartition(sc, data, state, run), dataset.spec().classNames());
    }

    private static TrainingRun runOf(ModelSpec spec, TrainingConfig config, Normalization normalization,
                                     int threads) {
        return new TrainingRun(spec, config.engine(), normalization, config.effectiveBatchSize(),
                config.averagingFrequency(), config.epochs(), config.seed(), threads, config.augmentation());
    }

    private void describeStart(TrainingConfig config, StartingPoint from, ModelSpec spec) {
        if (resume != null) {
            LOG.info("resuming from {} after round {} (epoch {})", resume.path(), from.start().completedRounds(),
                    resume.checkpoint().info().epoch());
        } else if (config.initFrom() != null) {
            LOG.info("warm start from {} (iteration {}), learning rate {}", config.initFrom(),
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
                                      LocatedDataset dataset, StartingPoint from) {
        String dir = config.effectiveCheckpointDir();
        if (dir == null) {
            return null;
        }
        if (resume != null) {
            // damaged newer checkpoints were reported; the rounds they held are about to be redone
            Checkpoints.deleteAfter(hadoop, dir, from.start().completedRounds());
        }
        return new Checkpointer(hadoop, dir, config.checkpointEvery(), roundsPerEpoch, spec, dataset.spec(), config,
                from.start().history(), resume == null ? null : resume.path());
    }

    /** A new run starts with an empty checkpoint directory: another run's checkpoints are replaced only on request. */
    static void prepareCheckpointDir(HadoopConf hadoop, TrainingConfig config) {
        String dir = config.effectiveCheckpointDir();
        if (dir == null || !Checkpoints.any(hadoop, dir)) {
            return;
        }
        if (!config.overwrite()) {
            throw new ConfigException("--checkpoint-dir " + dir + " already holds checkpoints of another run; "
                    + "continue that run with --resume " + dir + ", or pass --overwrite to replace them, or choose "
                    + "another --checkpoint-dir");
        }
        Checkpoints.deleteAll(hadoop, dir);
    }

    /** Gradient sharing and all-reduce averaging run all partitions at once: a local master must have a slot for each. */
    static void checkSlots(TrainingConfig config, String master) {
        int slots = SparkRuntime.localSlots(master);
        if (TrainingConfig.runsAllPartitionsAtOnce(config.strategy()) && slots > 0 && config.partitions() > slots) {
            throw new ConfigException("--partitions " + config.partitions() + " is more than the " + slots
                    + " task slots of master " + master + "; " + config.strategy() + " runs every partition at once, "
                    + "so use at most " + slots + " partitions (or a master with more cores)");
        }
    }

    /** Every partition needs training records; more partitions than that is a usage error. */
    static void checkPartitions(TrainingConfig config, LocatedDataset dataset, long[] trainCounts) {
        long smallest = Arrays.stream(trainCounts).min().orElse(0);
        if (smallest < 1) {
            long train = Arrays.stream(trainCounts).sum();
            throw new ConfigException("--partitions " + config.partitions() + " is more than the " + train
                    + " training records of " + config.data() + " can fill (" + dataset.trainRecords()
                    + " records, test fraction " + config.testFraction() + "); use at most "
                    + Math.max(1, train) + " partitions or more data");
        }
        if (smallest < config.effectiveBatchSize()) {
            LOG.warn("the smallest partition has {} training records, fewer than one batch of {}; "
                    + "consider fewer partitions or a smaller --batch-size", smallest, config.effectiveBatchSize());
        }
    }
}
