package dev.sparkcnn.driver.cli;

import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.TrainingConfig;
import dev.sparkcnn.driver.registry.ChampionEntry;
import dev.sparkcnn.driver.registry.ModelRegistry;
import dev.sparkcnn.driver.jobs.RetrainJob;
import dev.sparkcnn.driver.store.ModelDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code sparkcnn retrain}: what a scheduler runs. Settings come from, lowest precedence first:
 * train's defaults, the champion's {@code config.json}, then the options given, so a nightly
 * command line needs little more than the registry, the name and the data. The exit code says
 * what happened, because schedulers read exit codes, not logs.
 */
@Command(name = "retrain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a challenger for a registry model (continuing the champion, or from scratch), "
                + "evaluate challenger and champion on the same held-out split, and promote the challenger only "
                + "if it is better by --margin. Every challenger becomes a version; the decision and both scores "
                + "go into its provenance.json and the log.",
                "Any train option (--model, --partitions, --batch-size, --learning-rate, --seed, --master, …) may "
                        + "be given too; the others come from the champion's config.json.",
                "Exit status: 0 promoted, 3 kept (not better by the margin, or another run promoted first), "
                        + "1 failed, 2 bad input.",
                "Example: sparkcnn retrain --registry hdfs:///models --name cifar --data hdfs:///data/cifar "
                        + "--lr-factor 0.1 --epochs 2"})
public final class RetrainCommand implements Callable<Integer> {
    public static final int KEPT = 3;

    @Mixin
    RegistryOptions where;

    @Option(names = "--data", required = true, paramLabel = "PATH|URI", description = "The current dataset "
            + "(as for train).")
    String data;

    @ArgGroup(exclusive = true)
    Mode mode;

    static final class Mode {
        @Option(names = "--warm-start", required = true, description = "Continue training the champion's "
                + "parameters and optimizer state (default when there is a champion).")
        boolean warmStart;

        @Option(names = "--from-scratch", required = true, description = "Train a new network with the "
                + "champion's settings.")
        boolean fromScratch;
    }

    @Option(names = "--lr-factor", paramLabel = "F", defaultValue = "1.0", description = "Warm start: learning rate "
            + "times F (default: ${DEFAULT-VALUE}; 0.1 is the TensorFlow tutorial's \"lower the learning rate and "
            + "continue\"). It scales the base rate of the champion's line, so it does not compound night after night.")
    double lrFactor;

    @Option(names = "--margin", paramLabel = "M", defaultValue = "0.005", description = "Promote only if the "
            + "challenger's held-out accuracy >= the champion's + M (default: ${DEFAULT-VALUE}).")
    double margin;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs of the challenger (default: the champion's).")
    Integer epochs;

    @Unmatched
    List<String> trainOptions = new ArrayList<>();

    @Mixin
    SparkOptions spark;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() {
        ModelRegistry registry = where.open();
        ChampionEntry champion = registry.champion();
        String championConfig = champion == null ? null
                : ModelDirectory.readConfig(where.hadoop(), registry.versionDir(champion.version())).toString();
        TrainCommand train = new TrainCommand();
        TrainingConfig config = trainingConfig(train, championConfig);
        RetrainJob.Request request = new RetrainJob.Request(config, mode == null ? null : mode.warmStart,
                train.learningRate != null, lrFactor, margin, spark.conf());
        RetrainJob.Result result = new RetrainJob(where.hadoop(), registry, request, command.commandLine().getOut())
                .run();
        return result.outcome() == RetrainJob.Outcome.PROMOTED ? 0 : KEPT;
    }

    /** Lets train's own parser read and validate the train options; the champion's config is the base. */
    private TrainingConfig trainingConfig(TrainCommand train, String championConfig) {
        Path file = null;
        try {
            List<String> args = new ArrayList<>();
            if (championConfig != null) {
                file = Files.createTempFile("sparkcnn-champion-config", ".json");
                Files.writeString(file, championConfig);
                args.addAll(List.of("--config", file.toString()));
            }
            args.addAll(trainOptions);
            args.addAll(List.of("--data", data, "--out", where.registry + "/" + where.name, "--no-report"));
            if (epochs != null) {
                args.addAll(List.of("--epochs", epochs.toString()));
            }
            for (String reserved : List.of("--out", "--overwrite", "--config", "--data", "--resume")) {
                if (trainOptions.contains(reserved)) {
                    throw new ConfigException("retrain: " + reserved + " is not a retrain option (the registry "
                            + "decides where versions go, and the champion's config.json is the base)");
                }
            }
            new CommandLine(train).parseArgs(args.toArray(String[]::new));
            return train.config();
        } catch (CommandLine.ParameterException e) {
            throw new ConfigException("retrain: " + e.getMessage().lines().findFirst().orElse("")
                    + " (besides its own options, retrain takes those of train: see sparkcnn train --help)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a temporary file: " + e.getMessage(), e);
        } finally {
            if (file != null) {
                file.toFile().delete();
            }
        }
    }
}
