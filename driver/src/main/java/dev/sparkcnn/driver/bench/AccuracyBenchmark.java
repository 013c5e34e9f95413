package dev.sparkcnn.driver.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkcnn.driver.config.FlatConfig;
import dev.sparkcnn.driver.config.TrainingConfig;
import dev.sparkcnn.driver.jobs.Metrics;
import dev.sparkcnn.driver.jobs.TrainJob;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code bench accuracy --recipe NAME}: one recipe trained single-process and with each strategy,
 * on the same data, epochs and seed, in one run; test accuracy (the dataset's own test set when it
 * has one, else the held-out split), epochs and wall time per row, against the recipe's published
 * baseline. The single process is one partition on one task with every core's threads, one round
 * (Spark job) per epoch.
 *
 * @param recipe     the recipe
 * @param data       the dataset ({@code null}: the recipe's default)
 * @param master     Spark master of the distributed rows ({@code null}: the recipe's)
 * @param epochs     epochs ({@code null}: the recipe's)
 * @param strategies the rows: {@code single} and strategy names, in order
 */
public record AccuracyBenchmark(Recipe recipe, String data, String master, Integer epochs, List<String> strategies) {

    /** The row that trains one partition in one task. */
    public static final String SINGLE = "single";

    /** The single process's local steps per round: more than any epoch has, so an epoch is one Spark job. */
    static final int SINGLE_ROUND_STEPS = 1_000_000;

    /** The rows, in their default order. */
    public static final List<String> ROWS = List.of(SINGLE, "parameter-averaging", "allreduce-averaging",
            "gradient-sharing");

    /**
     * One row.
     *
     * @param row             single or the strategy
     * @param partitions      data partitions trained in parallel
     * @param epochs          epochs
     * @param accuracy        the test set's accuracy (the official one, else the held-out split's)
     * @param heldOut         the held-out split's accuracy
     * @param imagesPerSecond training images/s after the first round
     * @param seconds         training wall time
     */
    public record Row(String row, int partitions, int epochs, double accuracy, double heldOut, double imagesPerSecond,
                      double seconds) {
    }

    public List<Row> run(PrintWriter out) {
        Path scratch = BenchFiles.scratch("sparkcnn-bench-accuracy");
        try {
            String dataDir = data != null ? data : recipe.defaultData();
            if (dataDir == null) {
                dataDir = BenchFiles.generate(scratch.resolve("data"), 1000);
            }
            out.printf("bench accuracy: recipe %s: %s%n  data %s; baseline %s%n", recipe.name(), recipe.description(),
                    dataDir, recipe.baseline() > 0 ? String.format("%.4f (%s)", recipe.baseline(),
                            recipe.baselineSource()) : "none");
            out.printf("%-22s %5s %6s %9s %9s %9s %8s%n", "row", "parts", "epochs", "test acc", "held-out", "img/s",
                    "time");
            out.flush();
            List<Row> rows = new ArrayList<>();
            for (String strategy : strategies) {
                Row row = run(dataDir, strategy, scratch.resolve("model-" + strategy));
                out.printf("%-22s %5d %6d %9.4f %9.4f %9.0f %7.0fs%n", row.row(), row.partitions(), row.epochs(),
                        row.accuracy(), row.heldOut(), row.imagesPerSecond(), row.seconds());
                out.flush();
                rows.add(row);
            }
            double best = rows.stream().mapToDouble(Row::accuracy).max().orElse(0);
            double worst = rows.stream().mapToDouble(Row::accuracy).min().orElse(0);
            out.printf("spread (best - worst test accuracy): %.2f points%s%n", 100 * (best - worst),
                    recipe.baseline() > 0 ? String.format("; worst row vs baseline: %+.2f points",
                            100 * (worst - recipe.baseline())) : "");
            out.flush();
            return rows;
        } finally {
            BenchFiles.delete(scratch);
        }
    }

    private Row run(String dataDir, String strategy, Path modelDir) {
        ObjectNode node = recipe.config(dataDir, modelDir.toString());
        if (epochs != null) {
            node.put("epochs", epochs);
        }
        if (!node.hasNonNull("validateEvery")) {
            node.put("validateEvery", 0); // one evaluation, after training, unless the recipe asks for more
        }
        if (strategy.equals(SINGLE)) {
            node.put("strategy", "parameter-averaging");
            node.put("partitions", 1);
            node.put("master", "local[1]");
            node.put("threadsPerTask", Runtime.getRuntime().availableProcessors());
            node.put("averagingFrequency", SINGLE_ROUND_STEPS); // one partition: nothing to average, one round per epoch
        } else {
            node.put("strategy", strategy);
            if (master != null) {
                node.put("master", master);
            }
        }
        TrainingConfig config = FlatConfig.read(node);
        Metrics m = new TrainJob(config, Map.of("spark.ui.enabled", "false"),
                new PrintWriter(OutputStream.nullOutputStream())).run();
        double accuracy = m.officialTestAccuracy() != null ? m.officialTestAccuracy() : m.testAccuracy();
        return new Row(strategy, config.run().partitions(), config.run().epochs(), accuracy, m.testAccuracy(),
                SteadyRounds.imagesPerSecond(m), m.trainingSeconds());
    }
}
