package dev.sparkcnn.driver.bench;

import dev.sparkcnn.datasets.SyntheticCifar;
import dev.sparkcnn.driver.config.RunSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The scratch space of a benchmark run: a temporary directory, generated data, removal. */
final class BenchFiles {
    private BenchFiles() {
    }

    /** A new temporary directory. */
    static Path scratch(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The generated learnable set: 5,000 training images and {@code testRecords} test images. */
    static String generate(Path dir, int testRecords) {
        try {
            SyntheticCifar.write(dir, 5, 1000, testRecords, RunSettings.DEFAULT_SEED);
            return dir.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the directory and everything below it, as far as it can (a temporary directory). */
    static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
