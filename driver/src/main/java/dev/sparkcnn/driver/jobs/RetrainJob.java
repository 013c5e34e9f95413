package dev.sparkcnn.driver.jobs;

import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.config.TrainingConfig;
import dev.sparkcnn.driver.data.LocatedDataset;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.eval.EvaluationReport;
import dev.sparkcnn.driver.registry.ChampionEntry;
import dev.sparkcnn.driver.registry.ChampionHistory;
import dev.sparkcnn.driver.registry.DataFingerprint;
import dev.sparkcnn.driver.registry.ModelRegistry;
import dev.sparkcnn.driver.registry.Provenance;
import dev.sparkcnn.driver.store.ModelDirectory;
import dev.sparkcnn.driver.store.SavedModel;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sparkcnn retrain}: one scheduled step of a model's life. Train a challenger (continuing
 * the champion, or from scratch), evaluate it and the champion on the same held-out split (the
 * challenger run's data, partitions, seed and test fraction), and make it the champion only if it
 * is better by the margin. Every challenger becomes a registry version with its decision in
 * {@code provenance.json}, promoted or not, so a kept-out model can still be inspected or promoted
 * by hand.
 *
 * <p>The champion is read once at the start; promoting is a compare-and-swap against what was
 * read, so a concurrent run that promoted meanwhile wins and this one is kept out rather than
 * replacing a model it was never compared with.
 */
public final class RetrainJob {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sparkcnn");

    /** What happened, for the exit code. */
    public enum Outcome { PROMOTED, KEPT }

    /**
     * @param config       the challenger's training settings ({@code out} is replaced by the registry's)
     * @param warmStart    continue the champion (true), train from scratch (false), or warm-start when
     *                     there is a champion (null)
     * @param explicitLearningRate true when the learning rate was given for this run, not inherited
     */
    public record Request(TrainingConfig config, Boolean warmStart, boolean explicitLearningRate, double lrFactor,
                          double margin, Map<String, String> sparkConf) {
        public Request {
            if (!(lrFactor > 0) || Double.isInfinite(lrFactor)) {
                throw new ConfigException("--lr-factor must be a positive number, got " + lrFactor);
            }
            if (!(margin >= 0 && margin < 1)) {
                throw new ConfigException("--margin must be at least 0 and below 1 (an accuracy difference), got "
                        + margin);
            }
        }
    }

    /** The result: the new version, what was decided and why. */
    public record Result(int version, Outcome outcome, Provenance provenance) {
    }

    private final HadoopConf hadoop;
    private final ModelRegistry registry;
    private final Request request;
    private final PrintWriter out;

    public RetrainJob(HadoopConf hadoop, ModelRegistry registry, Request request, PrintWriter out) {
        this.hadoop = hadoop;
        this.registry = registry;
        this.request = request;
        this.out = out;
    }

    public Result run() {
        Instant start = Instant.now();
        ChampionHistory.State seen = registry.championState();
        ChampionEntry champion = seen.champion();
        Integer championVersion = champion == null ? null : champion.version();
        boolean warm = champion != null && !Boolean.FALSE.equals(request.warmStart());
        if (Boolean.TRUE.equals(request.warmStart()) && champion == null) {
            LOG.info("model {}: no champion yet; training from scratch", registry.name());
        }
        SavedModel parent = warm ? ModelDirectory.read(hadoop, registry.versionDir(championVersion)) : null;
        double base = baseLearningRate(championVersion);
        double lr = warm ? base * request.lrFactor() : base;
        TrainingConfig config = request.config();
        if (warm && !sameNetwork(config.model().name(), parent)) {
            throw new ConfigException("--model " + config.model().name() + " differs from the champion's ("
                    + parent.spec().model() + "); a warm start continues the same network: use --from-scratch");
        }
        LocatedDataset dataset = Preflight.input(hadoop, config).dataset();
        DataFingerprint fingerprint = DataFingerprint.of(hadoop, config.data().path(), dataset);
        LOG.info("model {}: data {} ({} files, sha256 {})", registry.name(), config.data().path(),
                fingerprint.files().size(), fingerprint.sha256());

        int version = registry.claim();
        String staging = registry.stagingDir(version);
        LOG.info("model {}: training challenger v{} ({}, learning rate {})", registry.name(), version,
                warm ? "warm start from v" + championVersion : "from scratch", lr);
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sparkcnn-registry-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long period = ModelRegistry.STALE_AFTER.toSeconds() / 10;
        heartbeat.scheduleAtFixedRate(() -> {
            try {
                registry.heartbeat(version);
            } catch (RuntimeException e) {
                LOG.warn("model {}: heartbeat of v{} failed (retried in {} s): {}", registry.name(), version, period,
                        e.getMessage());
            }
        }, period, period, TimeUnit.SECONDS);
        try {
            TrainingConfig challengerConfig = with(config, staging, lr);
            TrainJob train = new TrainJob(challengerConfig, request.sparkConf(), out);
            Metrics metrics = train.run(warm ? parent.state() : null);
            Double championAccuracy = champion == null ? null : championAccuracy(championVersion, staging,
                    challengerConfig, train.master());

            Provenance.Decision decision = decide(metrics.testAccuracy(), championVersion, championAccuracy);
            if (decision.outcome().equals(Provenance.Decision.PROMOTED)
                    && !registry.promoteStaged(seen, version, decision.reason())) {
                ChampionEntry now = registry.champion();
                decision = decision.withOutcome(Provenance.Decision.KEPT, "the champion changed during this run (now "
                        + (now == null ? "none" : "v" + now.version()) + "), so v" + version
                        + " was not compared with it; kept out: " + decision.reason());
            }
            Provenance provenance = new Provenance(registry.name(), version, warm ? championVersion : null,
                    warm ? Provenance.WARM_START : Provenance.FROM_SCRATCH, warm ? request.lrFactor() : null, base, lr,
                    challengerConfig.run().seed(), fingerprint, Provenance.runningCodeVersion(),
                    org.apache.spark.package$.MODULE$.SPARK_VERSION(), train.master(), start.toString(),
                    Instant.now().toString(), decision);
            registry.publish(version, Json.write(provenance));
            String line = String.format("model %s: challenger v%d %.4f, champion %s -> %s: %s", registry.name(),
                    version, decision.challengerAccuracy(), championVersion == null ? "none"
                            : String.format("v%d %.4f", championVersion, championAccuracy),
                    decision.outcome(), decision.reason());
            LOG.info(line);
            out.println(line);
            return new Result(version, decision.outcome().equals(Provenance.Decision.PROMOTED) ? Outcome.PROMOTED
                    : Outcome.KEPT, provenance);
        } catch (RuntimeException e) {
            discard(staging);
            throw e;
        } finally {
            heartbeat.shutdownNow();
        }
    }

    private Provenance.Decision decide(double challenger, Integer championVersion, Double champion) {
        double margin = request.margin();
        if (champion == null) {
            return new Provenance.Decision(Provenance.Decision.PROMOTED, "no champion yet", challenger, null, null,
                    margin);
        }
        boolean better = challenger >= champion + margin;
        String reason = String.format("held-out accuracy %.4f %s champion v%d's %.4f + margin %.4f", challenger,
                better ? ">=" : "<", championVersion, champion, margin);
        return new Provenance.Decision(better ? Provenance.Decision.PROMOTED : Provenance.Decision.KEPT, reason,
                challenger, championVersion, champion, margin);
    }

    /** The champion on the challenger's held-out split: same data, format, partitions, seed and fraction. */
    private double championAccuracy(int championVersion, String challengerDir, TrainingConfig config,
                                    String master) {
        String format = ModelDirectory.readConfig(hadoop, challengerDir).path("format").asText(null);
        Map<String, EvaluationReport> reports = new EvaluateJob(new EvaluateJob.Request(
                registry.versionDir(championVersion), config.data().path(), format, master,
                config.run().partitions(), config.run().seed(), config.data().testFraction(),
                config.model().effectiveBatchSize(), request.sparkConf()),
                new PrintWriter(java.io.Writer.nullWriter())).run();
        return reports.get("test").accuracy();
    }

    /**
     * The rate a warm start multiplies by {@code --lr-factor}: the one given for this run, else the
     * champion's own base, else its configuration's, else the model's default.
     */
    private double baseLearningRate(Integer championVersion) {
        TrainingConfig config = request.config();
        if (request.explicitLearningRate() || championVersion == null) {
            return config.model().learningRate() != null ? config.model().learningRate()
                    : ModelCatalogue.defaults(config.model().name()).learningRate();
        }
        return registry.provenance(championVersion).baseLearningRate();
    }

    /**
     * Whether {@code model} (a catalogue name, a definition file or {@code keras:FILE}) is the
     * champion's network: the same name, or a file that defines the same layers.
     */
    private static boolean sameNetwork(String model, SavedModel champion) {
        if (model.equals(champion.spec().model())) {
            return true;
        }
        return ModelCatalogue.isDefinitionFile(model)
                && ModelCatalogue.definition(model).layers().equals(champion.spec().definition().layers());
    }

    private static TrainingConfig with(TrainingConfig config, String out, double learningRate) {
        // no checkpoints: they would land beside the hidden staging directory, and a retrain that
        // fails is simply run again by its scheduler
        return config.toBuilder().out(out).overwrite(false).learningRate(learningRate).checkpointEvery(0).build();
    }

    private void discard(String staging) {
        try {
            hadoop.fileSystem(staging).delete(new org.apache.hadoop.fs.Path(staging), true);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("could not remove {}: {}", staging, e.getMessage());
        }
    }

}
