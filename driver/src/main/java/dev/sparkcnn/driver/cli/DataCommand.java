package dev.sparkcnn.driver.cli;

import dev.sparkcnn.datasets.SyntheticCifar;
import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.RunSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkcnn data ...}: dataset tools. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Dataset tools.",
        subcommands = {DataCommand.Generate.class, DataFetchCommand.class, DataInspectCommand.class})
public final class DataCommand extends CommandGroup {

    /** {@code sparkcnn data generate}: a small learnable dataset in CIFAR-10 binary layout. */
    @Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Write a small learnable dataset in CIFAR-10 binary layout (data_batch_N.bin, "
                    + "test_batch.bin, batches.meta.txt): ten classes of coloured shapes on noise.",
                    "Example: sparkcnn data generate --out data/synthetic"})
    public static final class Generate implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write.")
        Path out;

        @Option(names = "--train-files", paramLabel = "N", defaultValue = "5",
                description = "Number of data_batch_N.bin files (default: ${DEFAULT-VALUE}).")
        int trainFiles;

        @Option(names = "--records-per-file", paramLabel = "N", defaultValue = "1000",
                description = "Images per training file (default: ${DEFAULT-VALUE}).")
        int recordsPerFile;

        @Option(names = "--test-records", paramLabel = "N", defaultValue = "1000",
                description = "Images in test_batch.bin (default: ${DEFAULT-VALUE}).")
        int testRecords;

        @Option(names = "--seed", defaultValue = "" + RunSettings.DEFAULT_SEED,
                description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--overwrite", description = "Write into --out even if it holds files.")
        boolean overwrite;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec command;

        @Override
        public Integer call() throws IOException {
            if (trainFiles < 1 || recordsPerFile < 1 || testRecords < 1) {
                throw new ConfigException("--train-files, --records-per-file and --test-records must be at least 1");
            }
            if (!overwrite && Files.isDirectory(out)) {
                try (Stream<Path> entries = Files.list(out)) {
                    if (entries.findAny().isPresent()) {
                        throw new ConfigException("--out " + out + " is not empty; choose a new directory or pass "
                                + "--overwrite");
                    }
                }
            }
            SyntheticCifar.write(out, trainFiles, recordsPerFile, testRecords, seed);
            command.commandLine().getOut().printf("wrote %d training and %d test images (CIFAR-10 binary layout) to %s%n",
                    (long) trainFiles * recordsPerFile, testRecords, out);
            return 0;
        }
    }
}
