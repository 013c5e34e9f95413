package dev.sparkcnn.driver;

import dev.sparkcnn.datasets.SyntheticCifar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
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

    /**
     * An image-folder dataset: {@code perClass} PNGs in each of the class folders {@code classes},
     * {@code width} x {@code height}, class k a flat colour (k+1)·40 in channel k % 3 with noise,
     * so the classes are learnable.
     */
    public static Path images(Path dir, List<String> classes, int perClass, int width, int height) {
        java.util.Random rnd = new java.util.Random(5);
        try {
            for (int k = 0; k < classes.size(); k++) {
                Path folder = java.nio.file.Files.createDirectories(dir.resolve(classes.get(k)));
                for (int i = 0; i < perClass; i++) {
                    java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(width, height,
                            java.awt.image.BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < height; y++) {
                        for (int x = 0; x < width; x++) {
                            int v = Math.min(255, (k + 1) * 40 + rnd.nextInt(30));
                            image.setRGB(x, y, v << (8 * (2 - k % 3)));
                        }
                    }
                    javax.imageio.ImageIO.write(image, "png", folder.resolve(String.format("%03d.png", i)).toFile());
                }
            }
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
