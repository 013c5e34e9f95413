package dev.sparkcnn.driver.cli;

import dev.sparkcnn.driver.bench.AccuracyBenchmark;
import dev.sparkcnn.driver.bench.Recipe;
import dev.sparkcnn.driver.config.ConfigException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sparkcnn bench accuracy}: a recipe single-process and with each strategy, same data, epochs and seed. */
@Command(name = "accuracy", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a named recipe single-process (one partition, one task with every core) and with each "
                + "strategy, on the same data, epochs and seed, in one run; print test accuracy (the dataset's own "
                + "test set when it has one), held-out accuracy, images/s and wall time per row, the spread between "
                + "rows and the worst row against the recipe's published baseline.",
                "Recipes: fashion-mnist-vgg-bn (Debian's dataset-fashion-mnist), generated-cifar-cnn (generated "
                        + "data; what CI checks). docs/benchmarks.md has the measured numbers.",
                "Example: sparkcnn bench accuracy --recipe generated-cifar-cnn"})
public final class AccuracyCommand implements Callable<Integer> {
    @Option(names = "--recipe", paramLabel = "NAME", required = true, description = "The recipe.")
    String recipe;

    @Option(names = "--data", paramLabel = "PATH|URI",
            description = "Dataset (default: the recipe's: Fashion-MNIST at " + Recipe.DEBIAN_FASHION_MNIST
                    + ", or a generated set).")
    String data;

    @Option(names = "--master", description = "Spark master of the strategies' rows (default: the recipe's).")
    String master;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs of every row (default: the recipe's).")
    Integer epochs;

    @Option(names = "--rows", paramLabel = "LIST", split = ",",
            description = "Comma-separated rows (default: single, parameter-averaging, allreduce-averaging, "
                    + "gradient-sharing).")
    List<String> rows;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
        if (epochs != null && epochs < 1) {
            throw new ConfigException("--epochs must be at least 1, got " + epochs);
        }
        new AccuracyBenchmark(Recipe.of(recipe), data, master, epochs, validRows())
                .run(command.commandLine().getOut());
        return 0;
    }

    private List<String> validRows() {
        return rows == null ? AccuracyBenchmark.ROWS : BenchCommand.Kernels.checked("--rows", rows,
                AccuracyBenchmark.ROWS);
    }
}
