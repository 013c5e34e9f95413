package dev.sparkcnn.driver.bench;

import dev.sparkcnn.driver.config.AllReduceAveragingSettings;
import dev.sparkcnn.driver.config.DataSettings;
import dev.sparkcnn.driver.config.Engine;
import dev.sparkcnn.driver.config.GradientExchange;
import dev.sparkcnn.driver.config.GradientSharingSettings;
import dev.sparkcnn.driver.config.ParameterAveragingSettings;
import dev.sparkcnn.driver.config.RunSettings;
import dev.sparkcnn.driver.config.StrategySettings;
import dev.sparkcnn.driver.config.TrainingConfig;
import dev.sparkcnn.driver.jobs.Metrics;
import dev.sparkcnn.driver.jobs.TrainJob;
import dev.sparkcnn.driver.train.RoundStats;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.optim.Optimizer;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code bench strategies}: parameter averaging, gradient sharing with dense exchange and with
 * threshold exchange, on the same data, master, epochs and seed, one after the other in one run:
 * images/s after the first round, bytes each worker sends per step relative to the dense parameter
 * vector, and test accuracy.
 */
public final class StrategiesBenchmark {

    /**
     * One strategy's figures.
     *
     * @param strategy        what ran
     * @param imagesPerSecond training throughput after the first round (which starts executors and reads the data)
     * @param exchangeRatio   bytes a worker sends per step / dense parameter bytes (measured for gradient
     *                        sharing; for parameter averaging, its state upload per round / K, computed)
     * @param testAccuracy    held-out split accuracy
     * @param officialTestAccuracy the dataset's own test set, when it has one
     * @param seconds         whole training time
     */
    public record Row(String strategy, double imagesPerSecond, double exchangeRatio, double testAccuracy,
                      Double officialTestAccuracy, double seconds) {
    }

    private final String data;
    private final String model;
    private final String master;
    private final int workers;
    private final int epochs;
    private final int averagingFrequency;
    private final double density;
    private PeerBenchmarks peers = new PeerBenchmarks(List.of());

    public StrategiesBenchmark(String data, String model, String master, int workers, int epochs,
                               int averagingFrequency, double density) {
        this.data = data;
        this.model = model;
        this.master = master;
        this.workers = workers;
        this.epochs = epochs;
        this.averagingFrequency = averagingFrequency;
        this.density = density;
    }

    /** Also runs these peer systems on the same data and settings ({@code --peers}). */
    public StrategiesBenchmark withPeers(List<String> names) {
        peers = new PeerBenchmarks(names);
        peers.check();
        return this;
    }

    /**
     * What one run measured, as {@code --json} writes it.
     *
     * @param rows  sparkcnn's strategies, in order
     * @param peers the peer systems' rows ({@code --peers}; empty without)
     */
    public record Result(List<Row> rows, List<PeerRow> peers) {
    }

    public Result run(PrintWriter out) {
        out.printf("bench strategies: %s on %s, %d partitions, %d epochs, seed %d; images/s exclude the first "
                + "round; exchange = bytes a worker sends per step / dense parameter bytes%n", model, master, workers,
                epochs, RunSettings.DEFAULT_SEED);
        out.printf("%-42s %9s %10s %9s %9s %8s%n", "strategy", "img/s", "exchange", "held-out", "test set", "time");
        out.flush();
        Path scratch = BenchFiles.scratch("sparkcnn-bench-strategies");
        try {
            String dataDir = data != null ? data : BenchFiles.generate(scratch.resolve("data"), 1000);
            List<Row> rows = new ArrayList<>();
            rows.add(run(dataDir, "parameter-averaging (K=" + averagingFrequency + ")",
                    new ParameterAveragingSettings(averagingFrequency), scratch, out));
            rows.add(run(dataDir, "allreduce-averaging (K=" + averagingFrequency + ")",
                    new AllReduceAveragingSettings(averagingFrequency, false), scratch, out));
            rows.add(run(dataDir, "gradient-sharing, dense", new GradientSharingSettings(GradientExchange.DENSE,
                    density, false), scratch, out));
            rows.add(run(dataDir, "gradient-sharing, threshold (density " + density + ")",
                    new GradientSharingSettings(GradientExchange.THRESHOLD, density, false), scratch, out));
            List<PeerRow> peerRows = peers.run(new PeerRun(dataDir, model, master, workers, epochs,
                    averagingFrequency, ModelCatalogue.defaults(model).batchSize(), DataSettings.DEFAULT_TEST_FRACTION,
                    RunSettings.DEFAULT_SEED), rows, out);
            return new Result(List.copyOf(rows), List.copyOf(peerRows));
        } finally {
            BenchFiles.delete(scratch);
        }
    }

    private Row run(String dataDir, String label, StrategySettings strategy, Path scratch, PrintWriter out) {
        Path modelDir = scratch.resolve("model-" + strategy.name() + "-" + strategy.fields().exchange().id());
        TrainingConfig config = TrainingConfig.builder(dataDir, modelDir.toString()).model(model)
                .engine(Engine.NATIVE).strategy(strategy).master(master).partitions(workers).epochs(epochs)
                .threadsPerTask(1).overwrite(true).checkpointEvery(0)
                .validateEvery(0).build(); // a benchmark evaluates once, after training
        Metrics m = new TrainJob(config, Map.of("spark.ui.enabled", "false"),
                new PrintWriter(OutputStream.nullOutputStream())).run();
        List<RoundStats> steady = SteadyRounds.of(m);
        double ratio = strategy instanceof GradientSharingSettings
                ? steady.stream().mapToDouble(r -> r.exchangeRatio() == null ? 0 : r.exchangeRatio()).average()
                        .orElse(0)
                : averagingUploadRatio();
        Row row = new Row(label, SteadyRounds.imagesPerSecond(m), ratio, m.testAccuracy(), m.officialTestAccuracy(),
                m.trainingSeconds());
        out.printf("%-42s %9.0f %10.4f %9.4f %9s %7.1fs%n", row.strategy(), row.imagesPerSecond(), row.exchangeRatio(),
                row.testAccuracy(), row.officialTestAccuracy() == null ? "-"
                        : String.format("%.4f", row.officialTestAccuracy()), row.seconds());
        out.flush();
        return row;
    }

    /** Parameter averaging uploads parameters and optimizer state once per K steps (and downloads as much). */
    private double averagingUploadRatio() {
        Optimizer optimizer = ModelCatalogue.defaults(model).optimizer();
        int stateVectors = switch (optimizer) {
            case ADAM -> 3;
            case NESTEROVS -> 2;
            case SGD -> 1;
        };
        return (double) stateVectors / averagingFrequency;
    }

}
