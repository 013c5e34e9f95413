package dev.sparkcnn.driver;

import dev.sparkcnn.datasets.SyntheticCifar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import dev.sparkcnn.driver.spark.SparkRuntime;

/** Shared helpers of the driver tests: generated data and a small local Spark context. */
public final class TestData {
    private TestData() {
    }

    /** A generated CIFAR-format dataset in {@code dir}: {@code files} x {@code perFile} training records. */
    public static Path cifar(Path dir, int files, int perFile, int test) {
        try {
            SyntheticCifar.write(dir, files, perFile, test, 7);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** local[2] with the UI off; the caller stops it. */
    public static JavaSparkContext spark() {
        return SparkRuntime.start("sparkcnn-test", "local[2]", sparkTestConf());
    }

    /** Spark settings for in-process test runs. */
    public static Map<String, String> sparkTestConf() {
        return Map.of("spark.ui.enabled", "false", "spark.sql.shuffle.partitions", "2");
    }
}
