package dev.sparkcnn.driver.cli;

import dev.sparkcnn.datasets.fetch.Catalogue;
import dev.sparkcnn.datasets.fetch.DatasetFetcher;
import dev.sparkcnn.datasets.fetch.DatasetSource;
import dev.sparkcnn.datasets.fetch.HttpDownloader;
import dev.sparkcnn.driver.config.ConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sparkcnn data fetch}: the published archives, checksum-verified, into a directory that
 * {@code train --data} reads. The catalogue is a constructor argument so tests can point it at a
 * local server and their own fixture checksums.
 */
@Command(name = "fetch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Download a published dataset, verify its MD5, and unpack it into a directory that "
                + "train --data reads. An interrupted download resumes when the command is run again.",
                "Datasets: cifar10, cifar100 (binary tar.gz from cs.toronto.edu), mnist, fashion-mnist (four IDX .gz "
                        + "files each).",
                "Example: sparkcnn data fetch cifar10 --out data/cifar10",
                "Offline: sparkcnn data fetch cifar10 --from cifar-10-binary.tar.gz --out data/cifar10"})
public final class DataFetchCommand implements Callable<Integer> {
    private final Catalogue catalogue;

    @Parameters(index = "0", paramLabel = "DATASET", description = "cifar10, cifar100, mnist or fashion-mnist.")
    String dataset;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Directory to create; must not exist or be empty unless --overwrite.")
    Path out;

    @Option(names = "--mirror", paramLabel = "URL",
            description = "Base URL to download the same file names from, instead of the official one.")
    String mirror;

    @Option(names = "--from", paramLabel = "FILE|DIR",
            description = "Use a local copy instead of downloading (still checksum-verified): the archive for "
                    + "cifar10/cifar100, the directory holding the four .gz files for mnist/fashion-mnist.")
    Path from;

    @Option(names = "--overwrite", description = "Replace --out if it holds files.")
    boolean overwrite;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec command;

    public DataFetchCommand() {
        this(Catalogue.published());
    }

    DataFetchCommand(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    @Override
    public Integer call() {
        DatasetSource source;
        try {
            source = catalogue.source(dataset);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("DATASET: " + e.getMessage());
        }
        if (mirror != null) {
            if (!mirror.startsWith("http://") && !mirror.startsWith("https://")) {
                throw new ConfigException("--mirror " + mirror + ": must be an http:// or https:// URL");
            }
            if (from != null) {
                throw new ConfigException("--mirror and --from exclude each other: --from does not download");
            }
            source = source.withBaseUrl(mirror);
        }
        PrintWriter log = command.commandLine().getOut();
        new DatasetFetcher(HttpDownloader.standard(), log::println).fetch(source, out, from, overwrite);
        return 0;
    }
}
