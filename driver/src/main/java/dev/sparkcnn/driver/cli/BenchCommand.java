package dev.sparkcnn.driver.cli;

import dev.sparkcnn.driver.bench.KernelsBenchmark;
import dev.sparkcnn.driver.bench.ScalingBenchmark;
import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.StrategyFields;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.NetworkFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkcnn bench ...}: benchmarks that print figures. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks: kernels (one process, no "
        + "Spark), scaling (one process vs Spark tasks vs executor JVMs), strategies (parameter averaging on "
        + "the driver or by all-reduce vs gradient sharing) and accuracy (a recipe single-process and with each "
        + "strategy).",
        subcommands = {BenchCommand.Kernels.class, BenchCommand.Scaling.class, BenchCommand.Strategies.class,
                AccuracyCommand.class, ExchangeCommand.class, ProjectCommand.class})
public final class BenchCommand extends CommandGroup {

    /** {@code sparkcnn bench kernels}: GEMM, per-layer conv and whole-network training throughput. */
    @Command(name = "kernels", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Measure, in this process on one thread's native threads: FP32 GEMM GFLOPS (the "
                    + "practical peak), forward and backward GFLOPS of each conv layer of each model on engine "
                    + "native, and whole-network training images/s and GFLOPS per engine, as ratios of the GEMM "
                    + "figure. Batch 64, random data.",
                    "Example: sparkcnn bench kernels --models cifar-cnn --seconds 5"})
    public static final class Kernels implements Callable<Integer> {
        @Option(names = "--threads", paramLabel = "N",
                description = "Native threads (default: all cores). libnd4j's pool is fixed at start-up from "
                        + "OMP_NUM_THREADS.")
        Integer threads;

        @Option(names = "--models", paramLabel = "LIST", split = ",",
                description = "Comma-separated models (default: the tutorial networks simple-cnn, mnist-cnn, "
                        + "cifar-cnn; vgg-bn and resnet20 on request).")
        List<String> models;

        @Option(names = "--engines", paramLabel = "LIST", split = ",", defaultValue = "native,dl4j",
                description = "Comma-separated engines for the training rows (default: ${DEFAULT-VALUE}).")
        List<String> engines;

        @Option(names = "--seconds", paramLabel = "S", defaultValue = "5",
                description = "Timed seconds per training row, after a warm-up as long (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Option(names = "--layer-times",
                description = "Also time every layer of each model inside a whole forward and backward pass on "
                        + "engine native (residual blocks layer by layer), for --seconds after a warm-up as long.")
        boolean layerTimes;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec command;

        @Override
        public Integer call() {
            KernelsBenchmark benchmark = new KernelsBenchmark(validThreads(), validModels(), validEngines(),
                    validSeconds(), layerTimes);
            benchmark.run(command.commandLine().getOut());
            return 0;
        }

        private int validThreads() {
            if (threads == null) {
                return Runtime.getRuntime().availableProcessors();
            }
            if (threads < 1) {
                throw new ConfigException("--threads must be at least 1, got " + threads);
            }
            return threads;
        }

        private double validSeconds() {
            if (!(seconds > 0) || Double.isInfinite(seconds)) {
                throw new ConfigException("--seconds must be a number > 0, got " + seconds);
            }
            return seconds;
        }

        private List<String> validModels() {
            return checked("--models", models == null ? ModelCatalogue.TUTORIALS : models, ModelCatalogue.names());
        }

        private List<String> validEngines() {
            return checked("--engines", engines, NetworkFactory.engines());
        }

        static List<String> checked(String option, List<String> values, List<String> known) {
            List<String> result = new ArrayList<>();
            for (String value : values) {
                String name = value.trim();
                if (!known.contains(name)) {
                    throw new ConfigException(option + ": '" + name + "' is not known; choose from "
                            + String.join(", ", known));
                }
                if (!result.contains(name)) {
                    result.add(name);
                }
            }
            if (result.isEmpty()) {
                throw new ConfigException(option + " must name at least one of " + String.join(", ", known));
            }
            return List.copyOf(result);
        }
    }

    /** {@code sparkcnn bench scaling}: one process vs local[N] vs local-cluster[N,1,MB], same data, one run. */
    @Command(name = "scaling", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Train the same model on the same cores five ways in one run: one process without "
                    + "Spark (one task using every core), then local[N] (N one-thread tasks) and "
                    + "local-cluster[N,1,MB] (N one-core executor JVMs), each with parameter-averaging (a Spark job "
                    + "per average) and allreduce-averaging (averages between the tasks, one barrier stage per "
                    + "epoch); print images/s, the ratio to the single process and held-out accuracy.",
                    "Example: sparkcnn bench scaling --model cifar-cnn --epochs 2"})
    public static final class Scaling implements Callable<Integer> {
        @Option(names = "--data", paramLabel = "PATH|URI",
                description = "Dataset (default: a generated CIFAR-format set of 5,000 images).")
        String data;

        @Option(names = "--model", defaultValue = "cifar-cnn", description = "Default: ${DEFAULT-VALUE}.")
        String model;

        @Option(names = "--engine", defaultValue = "native", description = "Default: ${DEFAULT-VALUE}.")
        String engine;

        @Option(names = "--epochs", paramLabel = "N", defaultValue = "2", description = "Default: ${DEFAULT-VALUE}.")
        int epochs;

        @Option(names = "--workers", paramLabel = "N", defaultValue = "2",
                description = "Tasks / executor JVMs (default: ${DEFAULT-VALUE}).")
        int workers;

        @Option(names = "--executor-memory-mb", paramLabel = "MB", defaultValue = "2048",
                description = "Heap of each local-cluster executor (default: ${DEFAULT-VALUE}).")
        int executorMemoryMb;

        @Option(names = "--averaging-frequency", paramLabel = "K",
                defaultValue = "" + StrategyFields.DEFAULT_AVERAGING_FREQUENCY,
                description = "Local steps per round, also the single process's (default: ${DEFAULT-VALUE}).")
        int averagingFrequency;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec command;

        @Override
        public Integer call() {
            Kernels.checked("--model", List.of(model), ModelCatalogue.names());
            Kernels.checked("--engine", List.of(engine), NetworkFactory.engines());
            if (epochs < 1 || workers < 1 || averagingFrequency < 1 || executorMemoryMb < 256) {
                throw new ConfigException("--epochs, --workers and --averaging-frequency must be at least 1 and "
                        + "--executor-memory-mb at least 256");
            }
            new ScalingBenchmark(data, model, engine, epochs, workers, executorMemoryMb, averagingFrequency)
                    .run(command.commandLine().getOut());
            return 0;
        }
    }

    /** {@code sparkcnn bench strategies}: the training strategies side by side. */
    @Command(name = "strategies", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Train the same model on the same data, master, epochs and seed four ways, one after "
                    + "the other: parameter averaging (on the driver, then by all-reduce), gradient sharing with "
                    + "dense exchange and with threshold exchange; print images/s, the bytes each worker sends per step relative to the dense "
                    + "parameter vector, and test accuracy.",
                    "Example: sparkcnn bench strategies --master 'local-cluster[2,1,2048]' --epochs 5"})
    public static final class Strategies implements Callable<Integer> {
        @Option(names = "--data", paramLabel = "PATH|URI",
                description = "Dataset (default: a generated CIFAR-format set of 5,000 + 1,000 images).")
        String data;

        @Option(names = "--model", defaultValue = "cifar-cnn", description = "Default: ${DEFAULT-VALUE}.")
        String model;

        @Option(names = "--master", defaultValue = "local-cluster[2,1,2048]",
                description = "Spark master (default: ${DEFAULT-VALUE}: two one-core executor JVMs).")
        String master;

        @Option(names = "--partitions", paramLabel = "N", defaultValue = "2",
                description = "Partitions = workers (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--epochs", paramLabel = "N", defaultValue = "5", description = "Default: ${DEFAULT-VALUE}.")
        int epochs;

        @Option(names = "--averaging-frequency", paramLabel = "K",
                defaultValue = "" + StrategyFields.DEFAULT_AVERAGING_FREQUENCY,
                description = "Parameter averaging's K (default: ${DEFAULT-VALUE}).")
        int averagingFrequency;

        @Option(names = "--threshold-density", paramLabel = "D",
                defaultValue = "" + StrategyFields.DEFAULT_THRESHOLD_DENSITY,
                description = "Threshold exchange's density (default: ${DEFAULT-VALUE}).")
        double density;

        @Option(names = "--json", paramLabel = "FILE", description = "Also write the rows as JSON: "
                + "{\"rows\": [sparkcnn's], \"peers\": [--peers' rows]}.")
        java.nio.file.Path json;

        @Option(names = "--peers", paramLabel = "LIST", split = ",", description = "Also train with these "
                + "systems on the same data and settings: dl4j-spark (its ParameterAveraging and SharedTraining "
                + "masters; needs module peers, which bin/sparkcnn adds to the class path).")
        List<String> peers = List.of();

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec command;

        @Override
        public Integer call() throws java.io.IOException {
            Kernels.checked("--model", List.of(model), ModelCatalogue.names());
            if (epochs < 2 || partitions < 1 || averagingFrequency < 1 || !(density > 0 && density <= 1)) {
                throw new ConfigException("--epochs must be at least 2 (the first round is not timed), --partitions "
                        + "and --averaging-frequency at least 1, --threshold-density in (0, 1]");
            }
            dev.sparkcnn.driver.bench.StrategiesBenchmark.Result result = new dev.sparkcnn.driver.bench
                    .StrategiesBenchmark(data, model, master, partitions, epochs, averagingFrequency, density)
                    .withPeers(peers).run(command.commandLine().getOut());
            if (json != null) {
                dev.sparkcnn.driver.store.AtomicFiles.writeString(json, dev.sparkcnn.driver.config.Json.write(result));
            }
            return 0;
        }
    }
}
