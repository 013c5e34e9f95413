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

    /**
     * A CIFAR-100-format dataset in {@code dir}: {@code train.bin} with {@code train} records,
     * {@code test.bin} with {@code test}, record i labelled coarse {@code i % 20}, fine
     * {@code i % 100}, pixels pseudo-random; and the two label-name files.
     */
    public static Path cifar100(Path dir, int train, int test) {
        try {
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Files.write(dir.resolve("train.bin"), cifar100Records(train, 1));
            java.nio.file.Files.write(dir.resolve("test.bin"), cifar100Records(test, 2));
            java.nio.file.Files.writeString(dir.resolve("coarse_label_names.txt"), names("super", 20));
            java.nio.file.Files.writeString(dir.resolve("fine_label_names.txt"), names("fine", 100));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] cifar100Records(int n, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        byte[] out = new byte[n * 3074];
        rnd.nextBytes(out);
        for (int i = 0; i < n; i++) {
            out[i * 3074] = (byte) (i % 20);
            out[i * 3074 + 1] = (byte) (i % 100);
        }
        return out;
    }

    private static String names(String prefix, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(prefix).append('_').append(i).append('\n');
        }
        return b.toString();
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
