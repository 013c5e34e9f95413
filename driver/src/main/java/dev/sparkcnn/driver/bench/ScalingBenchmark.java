package dev.sparkcnn.driver.bench;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.TrainTestSplit;
import dev.sparkcnn.driver.config.AllReduceAveragingSettings;
import dev.sparkcnn.driver.config.DataSettings;
import dev.sparkcnn.driver.config.Engine;
import dev.sparkcnn.driver.config.ParameterAveragingSettings;
import dev.sparkcnn.driver.config.RunSettings;
import dev.sparkcnn.driver.config.StrategySettings;
import dev.sparkcnn.driver.config.TrainingConfig;
import dev.sparkcnn.driver.data.DatasetLocator;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.data.LocatedDataset;
import dev.sparkcnn.driver.data.Slice;
import dev.sparkcnn.driver.data.SliceReader;
import dev.sparkcnn.driver.jobs.Metrics;
import dev.sparkcnn.driver.jobs.TrainJob;
import dev.sparkcnn.driver.train.LocalTrainer;
import dev.sparkcnn.driver.train.TrainingRun;
import dev.sparkcnn.kernels.BatchIterator;
import dev.sparkcnn.kernels.EvalCounts;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import dev.sparkcnn.kernels.PartitionEvaluator;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * {@code bench scaling}: the same training, on the same cores, three ways in one run — one
 * process without Spark (all cores in one task), {@code local[N]} parameter averaging (N tasks
 * of one thread in one JVM), and {@code local-cluster[N,1,MB]} (N executor JVMs of one core) —
 * with images/s after warm-up, the ratio to the single process and the held-out accuracy of each.
 */
public final class ScalingBenchmark {

    /** One measured way of training. */
    public record Row(String mode, double imagesPerSecond, double seconds, double accuracy) {
    }

    private final String data;
    private final String model;
    private final String engine;
    private final int epochs;
    private final int workers;
    private final int executorMemoryMb;
    private final int averagingFrequency;

    public ScalingBenchmark(String data, String model, String engine, int epochs, int workers, int executorMemoryMb,
                            int averagingFrequency) {
        this.averagingFrequency = averagingFrequency;
        this.data = data;
        this.model = model;
        this.engine = engine;
        this.epochs = epochs;
        this.workers = workers;
        this.executorMemoryMb = executorMemoryMb;
    }

    public List<Row> run(PrintWriter out) {
        out.printf("bench scaling: %s, engine %s, %d epochs, %d workers, averaging every %d steps; images/s exclude warm-up (the first round "
                + "of a Spark run reads the data and starts executors; the single process gets one untimed "
                + "round); time is the whole training%n", model, engine, epochs, workers, averagingFrequency);
        Path scratch = BenchFiles.scratch("sparkcnn-bench-scaling");
        try {
            String dataDir = data != null ? data : BenchFiles.generate(scratch.resolve("data"), 200);
            List<Row> rows = new ArrayList<>();
            rows.add(singleProcess(dataDir));
            report(out, rows.get(0), rows.get(0));
            for (String master : List.of("local[" + workers + "]",
                    "local-cluster[" + workers + ",1," + executorMemoryMb + "]")) {
                for (StrategySettings strategy : List.of(new ParameterAveragingSettings(averagingFrequency),
                        new AllReduceAveragingSettings(averagingFrequency, false))) {
                    rows.add(spark(dataDir, master, strategy, scratch.resolve("model-" + rows.size())));
                    report(out, rows.get(rows.size() - 1), rows.get(0));
                }
            }
            return rows;
        } finally {
            BenchFiles.delete(scratch);
        }
    }

    private Row singleProcess(String dataDir) {
        HadoopConf hadoop = new HadoopConf(new Configuration());
        LocatedDataset dataset = new DatasetLocator(hadoop).locate(dataDir, null);
        List<ImageRecord> all = SliceReader.of(hadoop, dataset)
                .read(Slice.plan(dataset.trainFiles(), 1).get(0));
        BitSet test = TrainTestSplit.testMask(RunSettings.DEFAULT_SEED, 0, all.size(),
                DataSettings.DEFAULT_TEST_FRACTION);
        List<ImageRecord> train = new ArrayList<>();
        List<ImageRecord> held = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (test.get(i) ? held : train).add(all.get(i));
        }
        ModelSpec spec = ModelSpec.of(model, dataset.spec(), null, RunSettings.DEFAULT_SEED);
        int threads = Runtime.getRuntime().availableProcessors();
        TrainingRun run = new TrainingRun(spec, engine, ModelCatalogue.defaults(model).normalization(
                dataset.spec().channels()), ModelCatalogue.defaults(model).batchSize(), epochs,
                RunSettings.DEFAULT_SEED, threads);
        try (Network net = NetworkFactory.create(spec, engine)) {
            ModelState initial = net.initialState();
            // warm-up, untimed (native libraries, oneDNN primitives, JIT), like the Spark modes' first round
            int warmUp = (int) Math.min(train.size(), run.recordsPerRound(averagingFrequency));
            LocalTrainer.train(train.subList(0, warmUp), 0, initial, run, averagingFrequency);
            long start = System.nanoTime();
            ModelState trained = LocalTrainer.train(train, 0, initial, run, averagingFrequency);
            double seconds = (System.nanoTime() - start) / 1e9;
            EvalCounts counts = PartitionEvaluator.evaluate(net, trained, new BatchIterator(held.iterator(),
                    run.batchSize(), spec, run.normalization()));
            return new Row("single process, 1 task x " + threads + " threads", (double) train.size() * epochs
                    / seconds, seconds, (double) counts.correct() / counts.total());
        }
    }

    private Row spark(String dataDir, String master, StrategySettings strategy, Path out) {
        TrainingConfig config = TrainingConfig.builder(dataDir, out.toString()).model(model).engine(Engine.of(engine))
                .strategy(strategy).master(master).partitions(workers).epochs(epochs).threadsPerTask(1)
                .overwrite(true).checkpointEvery(0)
                .validateEvery(0).build(); // a benchmark evaluates once, after training
        Metrics m = new TrainJob(config, Map.of("spark.ui.enabled", "false"),
                new PrintWriter(OutputStream.nullOutputStream())).run();
        return new Row(master + " " + strategy.name() + ", " + workers + " x 1 thread",
                SteadyRounds.imagesPerSecond(m), m.trainingSeconds(), m.testAccuracy());
    }

    private static void report(PrintWriter out, Row row, Row single) {
        out.printf("%-58s %9.0f img/s  %6.1f s  x%.2f of single process  held-out accuracy %.4f%n", row.mode(),
                row.imagesPerSecond(), row.seconds(), row.imagesPerSecond() / single.imagesPerSecond(),
                row.accuracy());
        out.flush();
    }

}
