package dev.sparkcnn.driver.jobs;

import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.DatasetFormat;
import dev.sparkcnn.driver.config.LabelSet;
import dev.sparkcnn.driver.config.NormalizationSetting;
import dev.sparkcnn.driver.config.OutputSettings;
import dev.sparkcnn.driver.config.TrainingConfig;
import dev.sparkcnn.driver.data.DatasetLocator;
import dev.sparkcnn.driver.data.LocatedDataset;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.spark.SparkRuntime;
import dev.sparkcnn.driver.store.AtomicDirectory;
import dev.sparkcnn.driver.store.Checkpoints;
import dev.sparkcnn.driver.train.TrainingStrategy;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks that run on the driver before any Spark job, each failing with a message that names
 * the option and what to change: output writable, input readable and well-formed, partitions vs
 * records, task slots and threads vs cores. {@code train} and {@code retrain} ({@link TrainJob}) and
 * the Spark ML Estimator ({@code ml.CnnClassifier}) run them.
 */
public final class Preflight {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sparkcnn");

    private Preflight() {
    }

    /**
     * The model directory can be written (or replaced, with {@code --overwrite}), and a new run
     * starts with an empty checkpoint directory: another run's checkpoints are replaced only on request.
     *
     * @param resumed true when the run continues its own checkpoints
     */
    public static void output(HadoopConf hadoop, OutputSettings output, boolean resumed) {
        AtomicDirectory.checkWritable(hadoop, output.out(), output.overwrite(), "--out");
        String dir = output.effectiveCheckpointDir();
        if (resumed || dir == null || !Checkpoints.any(hadoop, dir)) {
            return;
        }
        if (!output.overwrite()) {
            throw new ConfigException("--checkpoint-dir " + dir + " already holds checkpoints of another run; "
                    + "continue that run with --resume " + dir + ", or pass --overwrite to replace them, or choose "
                    + "another --checkpoint-dir");
        }
        Checkpoints.deleteAll(hadoop, dir);
    }

    /** The dataset {@code config} names, found and checked; the config with the format that was found. */
    public static Input input(HadoopConf hadoop, TrainingConfig config) {
        var data = config.data();
        LocatedDataset dataset = new DatasetLocator(hadoop).locate(data.path(),
                data.format() == null ? null : data.format().id(),
                data.labelSet() == null ? null : data.labelSet().id(), data.imageSize());
        DatasetFormat format = DatasetFormat.of(dataset.format());
        TrainingConfig found = config.withFormat(format,
                dataset.labelSet() == null ? null : LabelSet.of(dataset.labelSet()),
                format.resizes() ? dataset.spec().height() : null);
        if (NormalizationSetting.GIVEN.equals(found.data().normalization().mode())) {
            found.data().normalization().given(dataset.spec().channels()); // the channel count, before Spark starts
        }
        return new Input(found, dataset);
    }

    /** What {@link #input} found. */
    public record Input(TrainingConfig config, LocatedDataset dataset) {
    }

    /**
     * Every partition needs training records; more partitions than that is a usage error. A
     * partition smaller than one batch is worth a warning.
     */
    public static void partitions(TrainingConfig config, LocatedDataset dataset, long[] trainCounts) {
        long smallest = Arrays.stream(trainCounts).min().orElse(0);
        int batch = config.model().effectiveBatchSize();
        if (smallest < 1) {
            long train = Arrays.stream(trainCounts).sum();
            throw new ConfigException("--partitions " + config.run().partitions() + " is more than the " + train
                    + " training records of " + config.data().path() + " can fill (" + dataset.trainRecords()
                    + " records, test fraction " + config.data().testFraction() + "); use at most "
                    + Math.max(1, train) + " partitions or more data");
        }
        if (smallest < batch) {
            LOG.warn("the smallest partition has {} training records, fewer than one batch of {}; "
                    + "consider fewer partitions or a smaller --batch-size", smallest, batch);
        }
    }

    /**
     * A strategy that runs every partition at once needs a task slot per partition: a local master
     * must have them (other masters are checked by Spark once executors register). Tasks whose
     * native threads together exceed the local cores are worth a warning: oversubscription is the
     * first thing that kills throughput.
     *
     * @param option names the partitions setting in the message ({@code --partitions})
     */
    public static void slots(String option, TrainingStrategy strategy, String strategyName, int partitions,
                             int threadsPerTask, String master) {
        int slots = SparkRuntime.localSlots(master);
        if (strategy.runsAllPartitionsAtOnce() && slots > 0 && partitions > slots) {
            throw new ConfigException(option + " " + partitions + " is more than the " + slots
                    + " task slots of master " + master + "; " + strategyName + " runs every partition at once, "
                    + "so use at most " + slots + " partitions (or a master with more cores)");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int concurrent = slots > 0 ? Math.min(slots, partitions) : 0;
        if (master.startsWith("local[") && concurrent * threadsPerTask > cores) {
            LOG.warn("{} concurrent tasks x {} threads per task is more than the {} cores of this machine; "
                    + "consider a smaller --threads-per-task", concurrent, threadsPerTask, cores);
        }
    }
}
