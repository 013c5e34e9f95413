package dev.sparkcnn.driver.cli;

import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.eval.EvaluationReport;
import dev.sparkcnn.driver.jobs.EvaluateJob;
import dev.sparkcnn.driver.store.AtomicDirectory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkcnn evaluate}. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a model directory on data: the held-out split of the model's own run (same data, "
                + "partitions, seed and test fraction unless given) and the dataset's own test files.",
                "Example: sparkcnn evaluate --model-dir models/demo"})
public final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model-dir", required = true, paramLabel = "DIR", description = "Model directory written by "
            + "train.")
    String modelDir;

    @Option(names = "--data", paramLabel = "PATH|URI", description = "Dataset (default: the one the model was "
            + "trained on).")
    String data;

    @Option(names = "--format", description = "cifar10, cifar100, idx or images (default: detect).")
    String format;

    @Option(names = "--master", description = "Spark master (default: local[*]).")
    String master;

    @Option(names = "--partitions", paramLabel = "N", description = "Default: the training run's.")
    Integer partitions;

    @Option(names = "--seed", description = "Split seed (default: the training run's).")
    Long seed;

    @Option(names = "--test-fraction", paramLabel = "F", description = "Default: the training run's.")
    Double testFraction;

    @Option(names = "--batch-size", paramLabel = "N", description = "Evaluation batch size (default: the "
            + "training run's).")
    Integer batchSize;

    @Option(names = "--metrics-out", paramLabel = "DIR", description = "Also write the reports as "
            + "DIR/evaluation.json (DIR must not exist).")
    String metricsOut;

    @Mixin
    SparkOptions spark;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() {
        HadoopConf hadoop = new HadoopConf(new Configuration());
        if (metricsOut != null) {
            AtomicDirectory.checkWritable(hadoop, metricsOut, false, "--metrics-out");
        }
        Map<String, EvaluationReport> reports = new EvaluateJob(new EvaluateJob.Request(modelDir, data, format, master,
                partitions, seed, testFraction, batchSize, spark.conf()), command.commandLine().getOut()).run();
        if (metricsOut != null) {
            AtomicDirectory.write(hadoop, metricsOut, false,
                    Map.of("evaluation.json", Json.write(reports).getBytes(StandardCharsets.UTF_8)), "--metrics-out");
        }
        return 0;
    }
}
