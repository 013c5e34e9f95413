package dev.sparkcnn.driver.cli;

import dev.sparkcnn.datasets.format.FormatOptions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.DataSettings;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.config.ModelSettings;
import dev.sparkcnn.driver.config.RunSettings;
import dev.sparkcnn.driver.config.StrategyFields;
import dev.sparkcnn.driver.config.TrainingConfig;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.store.Checkpoints;
import dev.sparkcnn.driver.jobs.ReportJob;
import dev.sparkcnn.driver.jobs.TrainJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sparkcnn train}. Settings come from, lowest precedence first: built-in defaults, the
 * {@code --config} JSON file (same fields as the {@code config.json} a run writes), options.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a CNN data-parallel on Spark and write a model directory, with report.html (see "
                + "report) unless --no-report.",
                "Example: sparkcnn train --data data/synthetic --model cifar-cnn --epochs 3 --out models/demo"})
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE",
            description = "JSON file with any of the settings below (e.g. a previous run's config.json); "
                    + "options given here override it.")
    Path configFile;

    @Option(names = "--data", paramLabel = "PATH|URI",
            description = "Required (here or in --config). Dataset directory on any Hadoop file system (file:, "
                    + "hdfs:, s3a:). For CIFAR-10 the directory with the .bin files or its parent holding "
                    + "cifar-10-batches-bin/ (CIFAR-100: cifar-100-binary/).")
    String data;

    @Option(names = "--format", description = "cifar10, cifar100, idx or images (<dir>/<class>/*.png|jpg); "
            + "detected from the files when omitted.")
    String format;

    @Option(names = "--label-set", paramLabel = "fine|coarse", description = "CIFAR-100 only: learn the 100 fine "
            + "classes (default) or the 20 coarse superclasses.")
    String labelSet;

    @Option(names = "--image-size", paramLabel = "N", description = "Image folders only: resize every image to "
            + "N x N pixels (default: 32).")
    Integer imageSize;

    @Option(names = "--on-bad-record", paramLabel = "fail|skip", description = "Image folders only: an image that "
            + "does not decode or has the wrong channel count fails the run (default) or is skipped with a warning "
            + "and counted.")
    String onBadRecord;

    @Option(names = "--max-image-pixels", paramLabel = "N", description = "Image folders only: an image whose header "
            + "declares more than N pixels (width x height) is refused before it is decoded, like any bad image "
            + "(default: 16777216 = 4096 x 4096).")
    Long maxImagePixels;

    @Option(names = "--model", description = "A catalogue model (simple-cnn, mnist-cnn, cifar-cnn, vgg-bn, resnet20; "
            + "default: " + ModelSettings.DEFAULT_NAME + "), a definition file ending in .json, or keras:FILE.json, a "
            + "Keras model.to_json() file whose architecture is imported (see sparkcnn model summary).")
    String model;

    @Option(names = "--engine", description = "Network implementation: native (default; our layers on "
            + "libnd4j's oneDNN ops) or dl4j (Deeplearning4j layers, slower).")
    String engine;

    @Option(names = "--strategy", description = "parameter-averaging (default: local steps, averaged on the "
            + "driver every K steps, one Spark job per average), allreduce-averaging (the same local steps and "
            + "averages, exchanged between the tasks by ring all-reduce in one barrier stage per epoch: no job "
            + "per average; needs a free task slot per partition) or gradient-sharing (all tasks step in lockstep "
            + "and apply the same combined update; needs a free task slot per partition).")
    String strategy;

    @Option(names = "--exchange", description = "gradient-sharing: dense (default; exact synchronous SGD, the "
            + "whole gradient every step) or threshold (each worker's update threshold-encoded with a residual).")
    String exchange;

    @Option(names = "--threshold-density", paramLabel = "D", description = "threshold exchange: fraction of the "
            + "values sent per step (default: " + StrategyFields.DEFAULT_THRESHOLD_DENSITY
            + ", which costs about 1/120 of the dense bytes).")
    Double thresholdDensity;

    @Option(names = "--verify-replicas", description = "gradient-sharing, allreduce-averaging: compare a hash of "
            + "every replica's parameters after every exchange and fail on a difference (a diagnostic; costs one "
            + "tiny exchange each time).")
    Boolean verifyReplicas;

    @Option(names = "--augment", paramLabel = "flip,crop,rotate", description = "Random transforms of every "
            + "training image, drawn anew each epoch on the executors (default: none): flip (left-right, half the "
            + "time), crop (pad 1/8 of the side with zeros, take a random window), rotate (up to +-36 degrees and "
            + "zoom 0.9-1.1, bilinear, edges extended). Evaluation never augments.")
    String augment;

    @Option(names = "--normalize", paramLabel = "model|dataset|MEAN,STD...", description = "Per-channel input "
            + "scaling after [0,1]: model (default: the model's own), dataset (mean and std of the training split, "
            + "computed by one Spark job), or numbers: MEAN,STD for all channels, or every channel's mean then every "
            + "channel's std. Stored in model.json, so evaluate and predict scale the same way.")
    String normalize;

    @Option(names = "--optimizer", description = "adam, nesterovs (momentum 0.9) or sgd (default: the model's: "
            + "nesterovs for simple-cnn, adam for the others).")
    String optimizer;

    @Option(names = "--storage", paramLabel = "memory|memory-and-disk|none", description = "Where the records "
            + "are kept between passes: serialized in executor memory (partitions that do not fit are re-read), "
            + "in memory spilling to local disk (default), or not at all (re-read from the files every pass).")
    String storage;

    @Option(names = "--master", description = "Spark master (default: " + RunSettings.DEFAULT_MASTER
            + "; spark-submit's wins).")
    String master;

    @Option(names = "--partitions", paramLabel = "N", description = "Data partitions = parallel training tasks "
            + "(default: " + RunSettings.DEFAULT_PARTITIONS + ").")
    Integer partitions;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training data (default: "
            + RunSettings.DEFAULT_EPOCHS + ").")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size per task (default: the "
            + "model's: 32 simple-cnn, 64 mnist-cnn and cifar-cnn).")
    Integer batchSize;

    @Option(names = "--averaging-frequency", paramLabel = "K", description = "Local steps between parameter "
            + "averages (default: " + StrategyFields.DEFAULT_AVERAGING_FREQUENCY + ").")
    Integer averagingFrequency;

    @Option(names = "--test-fraction", paramLabel = "F", description = "Fraction of each partition held out "
            + "for testing (default: " + DataSettings.DEFAULT_TEST_FRACTION + ").")
    Double testFraction;

    @Option(names = "--seed", description = "Seed of the split, shuffles and initialisation (default: "
            + RunSettings.DEFAULT_SEED + ").")
    Long seed;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Default: the model's (0.001).")
    Double learningRate;

    @Option(names = "--threads-per-task", paramLabel = "N", description = "Native threads per task (default: "
            + "spark.task.cpus).")
    Integer threadsPerTask;

    @Option(names = "--out", paramLabel = "DIR", description = "Required (here or in --config). Model directory to write; "
            + "must not exist unless --overwrite.")
    String out;

    @Option(names = "--overwrite", description = "Replace --out if it exists.")
    Boolean overwrite;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR|URI", description = "Where checkpoints go, on any "
            + "Hadoop file system (default: --out followed by .checkpoints). The newest two are kept; a new run "
            + "refuses a directory holding checkpoints unless --overwrite.")
    String checkpointDir;

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Write a checkpoint after every N "
            + "rounds and after the last (default: after each epoch's last round; 0: no checkpoints).")
    Integer checkpointEvery;

    @Option(names = "--resume", paramLabel = "DIR|URI", description = "Continue a stopped run from the newest "
            + "intact checkpoint in DIR (its --checkpoint-dir), with the run's own configuration: only --out "
            + "(required), --overwrite, --master, --conf and --no-report may be given with it.")
    String resume;

    @Option(names = "--init-from", paramLabel = "MODEL_DIR", description = "Warm start: begin from a trained "
            + "model's parameters, optimizer state and iteration (same model, image shape and classes; its "
            + "optimizer and learning rate unless --learning-rate).")
    String initFrom;

    @Option(names = "--lr-factor", paramLabel = "F", description = "With --init-from: learning rate = the stored "
            + "model's x F (e.g. 0.1: lower the learning rate and continue training).")
    Double lrFactor;

    @Option(names = "--restarts", paramLabel = "N", description = "After an infrastructure failure (a Spark job "
            + "that failed for good: lost executors, I/O), restart training from the last checkpoint, at most N "
            + "times (default: 0). Bad input and a diverged loss are never retried.")
    Integer restarts;

    @Option(names = "--validate-every", paramLabel = "N", description = "Evaluate the held-out split after every "
            + "N epochs and after the last, logged and kept per epoch in metrics.json (default: 1, every epoch; "
            + "0: only once, after training).")
    Integer validateEvery;

    @Option(names = "--keep-best", description = "Write the state of the epoch with the best held-out accuracy "
            + "(the earliest of equals) as the model, rather than the last epoch's; metrics.json names the epoch.")
    Boolean keepBest;

    @Option(names = "--no-report", description = "Do not write report.html and its charts into --out after "
            + "training (sparkcnn report DIR writes them later).")
    boolean noReport;

    @Mixin
    TrainingOptionFlags training;

    @Mixin
    SparkOptions spark;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec command;

    /** The options a resumed run may set; the rest of its configuration is the checkpoint's. */
    static final List<String> RESUME_OPTIONS = List.of("--resume", "--out", "--overwrite", "--master", "--conf",
            "--no-report");

    @Override
    public Integer call() {
        java.io.PrintWriter printed = command.commandLine().getOut();
        TrainingConfig config;
        if (resume != null) {
            Checkpoints.Loaded loaded = resumeFrom();
            // the model directory and overwrite come from this command line only, never from the
            // checkpoint: an edited checkpoint.json must not choose what gets replaced
            config = loaded.checkpoint().info().config().resumedAs(out, Boolean.TRUE.equals(overwrite), master,
                    resume);
            new TrainJob(config, spark.conf(), printed, loaded).maxImagePixels(maxImagePixels()).run();
        } else {
            config = config();
            new TrainJob(config, spark.conf(), printed).maxImagePixels(maxImagePixels()).run();
        }
        if (!noReport) {
            try {
                new ReportJob(config.output().out(), printed).run();
            } catch (RuntimeException e) {
                // the model directory is complete; a report can be made later
                command.commandLine().getErr().println("sparkcnn: warning: no report written: " + e.getMessage()
                        + "; run `sparkcnn report " + config.output().out() + "` to retry");
            }
        }
        return 0;
    }

    /** The newest intact checkpoint of {@code --resume}; damaged newer ones are warned about. */
    private Checkpoints.Loaded resumeFrom() {
        for (picocli.CommandLine.Model.OptionSpec o : command.commandLine().getParseResult().matchedOptions()) {
            if (!RESUME_OPTIONS.contains(o.longestName())) {
                throw new ConfigException(o.longestName() + " cannot be given with --resume: a resumed run continues "
                        + "with the configuration in its checkpoint; remove it (allowed with --resume: "
                        + String.join(", ", RESUME_OPTIONS) + ")");
            }
        }
        Checkpoints.Loaded loaded = Checkpoints.latest(new HadoopConf(new Configuration()), resume);
        if (out == null) {
            throw new ConfigException("--resume needs --out: the model directory to write is taken from the command "
                    + "line, never from the checkpoint (the stopped run wrote to "
                    + loaded.checkpoint().info().config().output().out() + "; pass --out with that directory to "
                    + "continue "
                    + "there)");
        }
        for (String damaged : loaded.damaged()) {
            command.commandLine().getErr().println("sparkcnn: warning: skipping damaged checkpoint: " + damaged);
        }
        command.commandLine().getErr().println("sparkcnn: resuming from " + loaded.path() + " (round "
                + loaded.checkpoint().info().round() + " of " + loaded.checkpoint().info().totalRounds() + ")");
        return loaded;
    }

    /** The validated configuration: defaults (each part's own), then the config file, then options. */
    TrainingConfig config() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        if (configFile != null) {
            try {
                JsonNode file = Json.MAPPER.readTree(Files.readString(configFile));
                if (!(file instanceof ObjectNode obj)) {
                    throw new ConfigException("--config " + configFile + ": expected a JSON object");
                }
                node.setAll(obj);
            } catch (IOException e) {
                throw new ConfigException("--config " + configFile + ": cannot read: " + e.getMessage());
            }
        }
        put(node, "data", data);
        put(node, "format", format);
        put(node, "labelSet", labelSet);
        put(node, "imageSize", imageSize);
        put(node, "onBadRecord", onBadRecord);
        put(node, "model", model);
        put(node, "engine", engine);
        put(node, "strategy", strategy);
        put(node, "master", master);
        put(node, "partitions", partitions);
        put(node, "epochs", epochs);
        put(node, "batchSize", batchSize);
        put(node, "averagingFrequency", averagingFrequency);
        put(node, "testFraction", testFraction);
        put(node, "seed", seed);
        put(node, "learningRate", learningRate);
        put(node, "threadsPerTask", threadsPerTask);
        put(node, "out", out);
        put(node, "overwrite", overwrite);
        put(node, "optimizer", optimizer);
        put(node, "exchange", exchange);
        put(node, "thresholdDensity", thresholdDensity);
        put(node, "verifyReplicas", verifyReplicas);
        put(node, "augment", augment);
        put(node, "normalize", normalize);
        put(node, "checkpointDir", checkpointDir);
        put(node, "checkpointEvery", checkpointEvery);
        put(node, "initFrom", initFrom);
        put(node, "lrFactor", lrFactor);
        put(node, "restarts", restarts);
        put(node, "storage", storage);
        put(node, "validateEvery", validateEvery);
        put(node, "keepBest", keepBest);
        training.putInto(node);
        return Json.read(node.toString(), TrainingConfig.class, configFile != null ? "--config " + configFile
                : "options");
    }

    private long maxImagePixels() {
        if (maxImagePixels == null) {
            return FormatOptions.DEFAULT_MAX_IMAGE_PIXELS;
        }
        if (maxImagePixels < 1) {
            throw new ConfigException("--max-image-pixels " + maxImagePixels + " must be at least 1");
        }
        return maxImagePixels;
    }

    private static void put(ObjectNode node, String field, Object value) {
        if (value != null) {
            node.set(field, Json.MAPPER.valueToTree(value));
        }
    }
}
