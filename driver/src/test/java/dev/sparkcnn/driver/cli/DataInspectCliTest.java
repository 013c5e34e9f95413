package dev.sparkcnn.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code data inspect}: exact figures on hand-made images, CIFAR-100 label sets, corrupt data. */
class DataInspectCliTest {
    @TempDir
    Path tmp;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** One CIFAR-10 record whose red, green and blue planes are the constants r, g, b. */
    private static byte[] record(int label, int r, int g, int b) {
        byte[] rec = new byte[3073];
        rec[0] = (byte) label;
        Arrays.fill(rec, 1, 1025, (byte) r);
        Arrays.fill(rec, 1025, 2049, (byte) g);
        Arrays.fill(rec, 2049, 3073, (byte) b);
        return rec;
    }

    @Test
    void printsFormatFilesHistogramAndChannelStatistics() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("data/cifar-10-batches-bin"));
        ByteArrayOutputStream train = new ByteArrayOutputStream();
        train.writeBytes(record(1, 0, 255, 51));
        train.writeBytes(record(3, 255, 255, 102));
        Files.write(dir.resolve("data_batch_1.bin"), train.toByteArray());
        Files.write(dir.resolve("test_batch.bin"), record(0, 51, 51, 51));

        assertEquals(0, run("data", "inspect", tmp.resolve("data").toString()), err.toString());
        String report = out.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("format   cifar10, 3x32x32, 10 classes"), report);
        assertTrue(report.matches("(?s).*data_batch_1\\.bin +2 records  train.*"), report);
        assertTrue(report.matches("(?s).*test_batch\\.bin +1 records  test.*"), report);
        assertTrue(report.contains("records  2 train, 1 test"), report);
        assertTrue(report.matches("(?s).*\n  0 airplane +0 +1\n  1 automobile +1 +0\n  2 bird +0 +0\n  3 cat +1 +0\n.*"),
                report);
        // red: 0 and 1 -> mean 0.5, std 0.5; green: constant 1; blue: 0.2 and 0.4 -> 0.3 +- 0.1; test all 0.2
        assertTrue(report.matches("(?s).*\n  0 red +0\\.5000 +0\\.5000 +0\\.2000 +0\\.0000\n.*"), report);
        assertTrue(report.matches("(?s).*\n  1 green +1\\.0000 +0\\.0000 +0\\.2000 +0\\.0000\n.*"), report);
        assertTrue(report.matches("(?s).*\n  2 blue +0\\.3000 +0\\.1000 +0\\.2000 +0\\.0000\n.*"), report);
    }

    @Test
    void cifar100CountsTheChosenLabelSet() {
        Path dir = TestData.cifar100(tmp.resolve("c100"), 40, 20);
        assertEquals(0, run("data", "inspect", dir.toString(), "--label-set", "coarse"), err.toString());
        String report = out.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("format   cifar100 (coarse labels), 3x32x32, 20 classes"), report);
        assertTrue(report.matches("(?s).*\n  19 super_19 +2 +1\n.*"), report);

        out.reset();
        assertEquals(0, run("data", "inspect", dir.toString()), err.toString());
        report = out.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("cifar100 (fine labels), 3x32x32, 100 classes"), report);
        assertTrue(report.matches("(?s).*\n  39 fine_39 +1 +0\n  40 fine_40 +0 +0\n.*"), report);
    }

    @Test
    void imageFoldersAreResizedBeforeTheStatistics() throws IOException {
        Path dir = TestData.images(tmp.resolve("img"), java.util.List.of("a", "b"), 3, 10, 7);
        assertEquals(0, run("data", "inspect", dir.toString(), "--image-size", "8"), err.toString());
        String report = out.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("format   images, 3x8x8, 2 classes"), report);
        assertTrue(report.matches("(?s).*\n  0 a +3 +0\n  1 b +3 +0\n.*"), report);
        // class a is red 40..69, class b green 80..109; the other channels are 0
        assertTrue(report.matches("(?s).*\n  2 blue +0\\.0000 +0\\.0000 +- +-\n.*"), report);

        java.nio.file.Files.writeString(dir.resolve("b/zzz.png"), "broken");
        assertEquals(2, run("data", "inspect", dir.toString()));
        assertTrue(err.toString().contains("b/zzz.png: not a PNG or JPEG image"), err.toString());
        out.reset();
        assertEquals(0, run("data", "inspect", dir.toString(), "--on-bad-record", "skip"), err.toString());
        assertTrue(out.toString().contains("records  6 train, 0 test, 1 bad image file(s) skipped"), out.toString());
    }

    @Test
    void aCorruptRecordOrBadOptionIsExitTwoNamingIt() throws IOException {
        Path dir = TestData.cifar(tmp.resolve("d"), 1, 5, 2);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("data_batch_1.bin").toFile(), "rw")) {
            f.seek(3 * 3073L);
            f.write(200);
        }
        assertEquals(2, run("data", "inspect", dir.toString()));
        assertTrue(err.toString().contains("data_batch_1.bin: record 3 (byte offset 9219) has label 200"),
                err.toString());
        assertEquals(2, run("data", "inspect", dir.toString(), "--format", "jpeg"));
        assertTrue(err.toString().contains("--format 'jpeg' is not a known format"), err.toString());
        assertEquals(2, run("data", "inspect", dir.toString(), "--label-set", "fine"));
        assertTrue(err.toString().contains("--label-set applies to CIFAR-100 only"), err.toString());
    }

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true), new PrintStream(err, true));
    }
}
