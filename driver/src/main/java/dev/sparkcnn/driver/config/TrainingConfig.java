package dev.sparkcnn.driver.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.sparkcnn.datasets.Augmentation;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.NetworkFactory;
import dev.sparkcnn.kernels.optim.Optimizer;
import dev.sparkcnn.kernels.sync.Exchange;
import java.util.List;

/**
 * The complete, validated configuration of one training run. Immutable; every field is checked
 * in the constructor, so an instance that exists is one that can run. It is written to the model
 * directory as {@code config.json} and round-trips through JSON exactly.
 *
 * @param data               dataset location: a path or any Hadoop FileSystem URI
 * @param format             {@code cifar10}, {@code cifar100} or {@code idx}; null = detect from the files
 * @param labelSet           CIFAR-100 only: {@code fine} (100 classes) or {@code coarse} (20); null = fine
 * @param imageSize          image folders only: side of the square the images are resized to; null = 32
 * @param onBadRecord        image folders only: {@code fail} (default when null) or {@code skip} an image
 *                           that does not decode or has the wrong channel count
 * @param model              catalogue model name
 * @param engine             network implementation ({@code dl4j})
 * @param strategy           training strategy ({@link #STRATEGIES})
 * @param master             Spark master URL
 * @param partitions         number of data partitions (= parallel training tasks)
 * @param epochs             passes over every partition's training split
 * @param batchSize          mini-batch size per task; null = the model's default
 * @param averagingFrequency local steps between two parameter averages (K)
 * @param testFraction       fraction of each partition held out for testing
 * @param seed               seed of every random choice (split, shuffles, initialisation)
 * @param learningRate       null = the model's default
 * @param threadsPerTask     native threads per task; null = {@code spark.task.cpus}
 * @param out                model directory to write (path or Hadoop URI)
 * @param overwrite          replace an existing {@code out}
 * @param optimizer          {@code adam}, {@code nesterovs} or {@code sgd}; null = the model's default
 * @param exchange           gradient sharing: {@code dense} or {@code threshold}
 * @param thresholdDensity   gradient sharing with threshold exchange: fraction of elements sent per step
 * @param verifyReplicas     gradient sharing: compare the replicas' parameter hashes after every step
 * @param augment            random transforms of training images, e.g. {@code flip,crop}; null = none
 *                           (stored canonically, {@code none} when off)
 * @param normalize          {@code model} (default when null), {@code dataset} or given numbers
 *                           ({@link NormalizationSetting})
 * @param checkpointDir      where checkpoints go (path or Hadoop URI); null = {@code <out>.checkpoints}
 * @param checkpointEvery    write a checkpoint after every N rounds; null = after each epoch's last round;
 *                           0 = no checkpoints. The last round is always checkpointed (unless 0).
 * @param initFrom           warm start: a model directory whose state (parameters, updater, iteration)
 *                           training starts from; null = fresh initialisation
 * @param lrFactor           warm start: learning rate = the {@code initFrom} model's times this; null = 1
 *                           (or {@code learningRate} when that is given)
 * @param restarts           times training restarts from the last checkpoint after an infrastructure
 *                           failure (never after bad input or a diverged loss); null = 0
 * @param storage            where the records are kept between epochs ({@code memory}, {@code memory-and-disk},
 *                           {@code none}; {@link dev.sparkcnn.driver.data.Storage}); null = memory-and-disk
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder(alphabetic = false)
public record TrainingConfig(
        String data,
        String format,
        String labelSet,
        Integer imageSize,
        String onBadRecord,
        String model,
        String engine,
        String strategy,
        String master,
        int partitions,
        int epochs,
        Integer batchSize,
        int averagingFrequency,
        double testFraction,
        long seed,
        Double learningRate,
        Integer threadsPerTask,
        String out,
        boolean overwrite,
        String optimizer,
        String exchange,
        double thresholdDensity,
        boolean verifyReplicas,
        String augment,
        String normalize,
        String checkpointDir,
        Integer checkpointEvery,
        String initFrom,
        Double lrFactor,
        Integer restarts,
        String storage) {

    public static final List<String> FORMATS = List.of("cifar10", "cifar100", "idx", "images");
    public static final List<String> BAD_RECORD_POLICIES = List.of("fail", "skip");
    public static final List<String> LABEL_SETS = List.of("fine", "coarse");
    public static final String PARAMETER_AVERAGING = "parameter-averaging";
    public static final String ALLREDUCE_AVERAGING = "allreduce-averaging";
    public static final String GRADIENT_SHARING = "gradient-sharing";
    public static final List<String> STRATEGIES = List.of(PARAMETER_AVERAGING, ALLREDUCE_AVERAGING, GRADIENT_SHARING);

    /** Whether a strategy runs every partition at once in a barrier stage (needs a free task slot per partition). */
    public static boolean runsAllPartitionsAtOnce(String strategy) {
        return GRADIENT_SHARING.equals(strategy) || ALLREDUCE_AVERAGING.equals(strategy);
    }
    public static final String DEFAULT_EXCHANGE = "dense";
    public static final double DEFAULT_THRESHOLD_DENSITY = 0.03;

    /** A configuration with the default optimizer and gradient-sharing settings, without checkpoints. */
    public TrainingConfig(String data, String format, String labelSet, Integer imageSize, String onBadRecord,
                          String model, String engine, String strategy, String master, int partitions, int epochs,
                          Integer batchSize, int averagingFrequency, double testFraction, long seed,
                          Double learningRate, Integer threadsPerTask, String out, boolean overwrite) {
        this(data, format, labelSet, imageSize, onBadRecord, model, engine, strategy, master, partitions, epochs,
                batchSize, averagingFrequency, testFraction, seed, learningRate, threadsPerTask, out, overwrite, null,
                DEFAULT_EXCHANGE, DEFAULT_THRESHOLD_DENSITY, false);
    }

    /**
     * A fresh run (no warm start) without augmentation, with the model's normalization and without
     * checkpoints: what programmatic callers such as benchmarks want.
     */
    public TrainingConfig(String data, String format, String labelSet, Integer imageSize, String onBadRecord,
                          String model, String engine, String strategy, String master, int partitions, int epochs,
                          Integer batchSize, int averagingFrequency, double testFraction, long seed,
                          Double learningRate, Integer threadsPerTask, String out, boolean overwrite, String optimizer,
                          String exchange, double thresholdDensity, boolean verifyReplicas) {
        this(data, format, labelSet, imageSize, onBadRecord, model, engine, strategy, master, partitions, epochs,
                batchSize, averagingFrequency, testFraction, seed, learningRate, threadsPerTask, out, overwrite,
                optimizer, exchange, thresholdDensity, verifyReplicas, null, null, null, 0, null, null, null, null);
    }

    /** As the canonical constructor, without augmentation, normalization choice or restarts. */
    public TrainingConfig(String data, String format, String labelSet, Integer imageSize, String onBadRecord,
                          String model, String engine, String strategy, String master, int partitions, int epochs,
                          Integer batchSize, int averagingFrequency, double testFraction, long seed,
                          Double learningRate, Integer threadsPerTask, String out, boolean overwrite, String optimizer,
                          String exchange, double thresholdDensity, boolean verifyReplicas, String checkpointDir,
                          Integer checkpointEvery, String initFrom, Double lrFactor) {
        this(data, format, labelSet, imageSize, onBadRecord, model, engine, strategy, master, partitions, epochs,
                batchSize, averagingFrequency, testFraction, seed, learningRate, threadsPerTask, out, overwrite,
                optimizer, exchange, thresholdDensity, verifyReplicas, null, null, checkpointDir, checkpointEvery,
                initFrom, lrFactor, null, null);
    }

    /** As the canonical constructor, with augmentation and normalization, without checkpoints or warm start. */
    public TrainingConfig(String data, String format, String labelSet, Integer imageSize, String onBadRecord,
                          String model, String engine, String strategy, String master, int partitions, int epochs,
                          Integer batchSize, int averagingFrequency, double testFraction, long seed,
                          Double learningRate, Integer threadsPerTask, String out, boolean overwrite, String optimizer,
                          String exchange, double thresholdDensity, boolean verifyReplicas, String augment,
                          String normalize) {
        this(data, format, labelSet, imageSize, onBadRecord, model, engine, strategy, master, partitions, epochs,
                batchSize, averagingFrequency, testFraction, seed, learningRate, threadsPerTask, out, overwrite,
                optimizer, exchange, thresholdDensity, verifyReplicas, augment, normalize, null, 0, null, null, null, null);
    }

    public TrainingConfig {
        require(data != null && !data.isBlank(), "--data", "is required: a directory or URI holding the dataset files");
        require(format == null || FORMATS.contains(format), "--format",
                "'" + format + "' is not a known format; use one of " + String.join(", ", FORMATS)
                        + " (or omit it to detect the format from the files)");
        require(labelSet == null || LABEL_SETS.contains(labelSet), "--label-set",
                "'" + labelSet + "' is not a CIFAR-100 label set; use fine (100 classes) or coarse (20)");
        require(labelSet == null || format == null || format.equals("cifar100"), "--label-set",
                "applies to CIFAR-100 only, but the format is " + format + "; remove it");
        require(imageSize == null || (imageSize >= 4 && imageSize <= 1024), "--image-size",
                "must be between 4 and 1024 pixels, got " + imageSize);
        require(imageSize == null || format == null || format.equals("images"), "--image-size",
                "applies to image folders only, but the format is " + format + "; remove it");
        require(onBadRecord == null || BAD_RECORD_POLICIES.contains(onBadRecord), "--on-bad-record",
                "'" + onBadRecord + "' is not a policy; use fail or skip");
        require(model != null && ModelCatalogue.names().contains(model), "--model",
                "'" + model + "' is not a known model; use one of " + String.join(", ", ModelCatalogue.names()));
        require(engine != null && NetworkFactory.engines().contains(engine), "--engine",
                "'" + engine + "' is not a known engine; use one of " + String.join(", ", NetworkFactory.engines()));
        require(strategy != null && STRATEGIES.contains(strategy), "--strategy",
                "'" + strategy + "' is not a known strategy; use one of " + String.join(", ", STRATEGIES));
        require(master != null && !master.isBlank(), "--master", "is required, e.g. local[*] or spark://host:7077");
        require(partitions > 0, "--partitions", "must be at least 1, got " + partitions);
        require(epochs > 0, "--epochs", "must be at least 1, got " + epochs);
        require(batchSize == null || batchSize > 0, "--batch-size", "must be at least 1, got " + batchSize);
        require(averagingFrequency > 0, "--averaging-frequency",
                "must be at least 1 local step between averages, got " + averagingFrequency);
        require(testFraction > 0 && testFraction < 1, "--test-fraction",
                "must be strictly between 0 and 1, got " + testFraction);
        require(learningRate == null || (learningRate > 0 && Double.isFinite(learningRate)), "--learning-rate",
                "must be a positive number, got " + learningRate);
        require(threadsPerTask == null || threadsPerTask > 0, "--threads-per-task",
                "must be at least 1, got " + threadsPerTask);
        require(out != null && !out.isBlank(), "--out", "is required: the model directory to write");
        require(optimizer == null || Optimizer.ids().contains(optimizer), "--optimizer",
                "'" + optimizer + "' is not a known optimizer; use one of " + String.join(", ", Optimizer.ids()));
        require(exchange != null && Exchange.ids().contains(exchange), "--exchange",
                "'" + exchange + "' is not a known exchange; use one of " + String.join(", ", Exchange.ids()));
        require(thresholdDensity > 0 && thresholdDensity <= 1, "--threshold-density",
                "must be in (0, 1] (the fraction of values sent per step), got " + thresholdDensity);
        try {
            augment = Augmentation.parse(augment).id();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--augment " + e.getMessage());
        }
        normalize = normalize == null ? NormalizationSetting.MODEL : normalize.trim();
        NormalizationSetting.parse(normalize);
        require(checkpointDir == null || !checkpointDir.isBlank(), "--checkpoint-dir", "must not be blank");
        require(checkpointDir == null || !new org.apache.hadoop.fs.Path(checkpointDir).equals(
                new org.apache.hadoop.fs.Path(out)), "--checkpoint-dir",
                "must not be the model directory --out " + out + " (that is replaced as a whole when training ends)");
        require(checkpointEvery == null || checkpointEvery >= 0, "--checkpoint-every",
                "must be a number of rounds >= 1 (or 0 for no checkpoints), got " + checkpointEvery);
        require(initFrom == null || !initFrom.isBlank(), "--init-from", "must not be blank");
        require(lrFactor == null || (lrFactor > 0 && Double.isFinite(lrFactor)), "--lr-factor",
                "must be a positive number, got " + lrFactor);
        require(lrFactor == null || initFrom != null, "--lr-factor",
                "scales the learning rate of the --init-from model; give --init-from too (or use --learning-rate)");
        require(lrFactor == null || learningRate == null, "--lr-factor",
                "and --learning-rate both set the learning rate; give only one of them");
        require(restarts == null || restarts >= 0, "--restarts", "must be 0 or more, got " + restarts);
        require(storage == null || dev.sparkcnn.driver.data.Storage.ids().contains(storage), "--storage",
                "'" + storage + "' is not a storage level; use one of "
                        + String.join(", ", dev.sparkcnn.driver.data.Storage.ids()));
    }

    /** The training-time transforms. */
    public Augmentation augmentation() {
        return Augmentation.parse(augment);
    }

    /** Where the input normalization comes from. */
    public NormalizationSetting normalization() {
        return NormalizationSetting.parse(normalize);
    }

    /** The checkpoint directory of this run, or null when checkpoints are off. */
    public String effectiveCheckpointDir() {
        if (checkpointEvery != null && checkpointEvery == 0) {
            return null;
        }
        return checkpointDir != null ? checkpointDir : new org.apache.hadoop.fs.Path(out).toString() + ".checkpoints";
    }

    /** The exchange settings of a barrier strategy: gradient sharing's, or averaging every K steps. */
    public Exchange.Options exchangeOptions() {
        if (ALLREDUCE_AVERAGING.equals(strategy)) {
            return Exchange.Options.averaging(averagingFrequency, verifyReplicas);
        }
        return new Exchange.Options(Exchange.of(exchange), thresholdDensity, verifyReplicas);
    }

    /** True when unreadable images are skipped (with a warning and a count) instead of failing the run. */
    public boolean skipBadRecords() {
        return "skip".equals(onBadRecord);
    }

    /** The batch size to use: the configured one or the model's default. */
    public int effectiveBatchSize() {
        return batchSize != null ? batchSize : ModelCatalogue.defaults(model).batchSize();
    }

    /**
     * A copy with the format decided (after detection), and the label set (null unless CIFAR-100) and
     * image size (null unless image folders) in effect.
     */
    public TrainingConfig withFormat(String detected, String labels, Integer size) {
        return new TrainingConfig(data, detected, labels, size, onBadRecord, model, engine, strategy, master,
                partitions, epochs, batchSize, averagingFrequency, testFraction, seed, learningRate, threadsPerTask,
                out, overwrite, optimizer, exchange, thresholdDensity, verifyReplicas, augment, normalize,
                checkpointDir, checkpointEvery, initFrom, lrFactor, restarts, storage);
    }

    /**
     * The configuration a resumed run continues with: this one (from the checkpoint) with the model
     * directory, overwrite flag and master of the new command line, where they are given, and the
     * checkpoint directory it resumes from.
     */
    public TrainingConfig resumedAs(String newOut, Boolean newOverwrite, String newMaster, String resumeDir) {
        return new TrainingConfig(data, format, labelSet, imageSize, onBadRecord, model, engine, strategy,
                newMaster != null ? newMaster : master, partitions, epochs, batchSize, averagingFrequency,
                testFraction, seed, learningRate, threadsPerTask, newOut != null ? newOut : out,
                newOverwrite != null ? newOverwrite : overwrite, optimizer, exchange, thresholdDensity,
                verifyReplicas, augment, normalize, resumeDir, checkpointEvery, initFrom, lrFactor, restarts, storage);
    }

    private static void require(boolean ok, String option, String problem) {
        if (!ok) {
            throw new ConfigException(option + " " + problem);
        }
    }
}
