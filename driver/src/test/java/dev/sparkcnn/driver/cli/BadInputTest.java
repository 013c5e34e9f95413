package dev.sparkcnn.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input the driver can see before Spark starts: exit status 2, one message naming the
 * option or file, and no output directory.
 */
class BadInputTest {
    @TempDir
    Path tmp;
    private Path data;
    private Path out;

    @BeforeEach
    void generate() {
        data = TestData.cifar(tmp.resolve("data"), 2, 20, 10);
        out = tmp.resolve("model");
    }

    @Test
    void unknownNamesAndNonPositiveNumbers() {
        expect("--model", "resnet", "--model 'resnet' is not a known model");
        expect("--format", "jpeg", "--format 'jpeg' is not a known format");
        expect("--strategy", "ring", "--strategy 'ring' is not a known strategy");
        expect("--epochs", "0", "--epochs must be at least 1");
        expect("--batch-size", "-3", "--batch-size must be at least 1");
        expect("--partitions", "0", "--partitions must be at least 1");
        expect("--averaging-frequency", "0", "--averaging-frequency must be at least 1");
        expect("--test-fraction", "0", "--test-fraction must be strictly between 0 and 1");
        expect("--test-fraction", "1.5", "--test-fraction must be strictly between 0 and 1");
    }

    @Test
    void gradientSharingAndOptimizerOptions() {
        expect("--exchange", "sparse", "--exchange 'sparse' is not a known exchange");
        expect("--threshold-density", "0", "--threshold-density must be in (0, 1]");
        expect("--threshold-density", "1.5", "--threshold-density must be in (0, 1]");
        expect("--optimizer", "rmsprop", "--optimizer 'rmsprop' is not a known optimizer");
        // every partition needs a task slot at once: local[1] has one
        assertBad(run("--strategy", "gradient-sharing", "--partitions", "2"),
                "--partitions 2 is more than the 1 task slots of master local[1]");
    }

    @Test
    void badTrainingOptions() {
        expect("--weight-decay", "-1", "--weight-decay must be a number >= 0");
        expect("--label-smoothing", "1", "--label-smoothing must be in [0, 1)");
        expect("--lr-schedule", "linear", "--lr-schedule 'linear' is not a schedule");
        expect("--lr-scaling", "cubic", "--lr-scaling 'cubic' is not a learning-rate scaling");
        expect("--lr-milestones", "3,x", "--lr-milestones expects whole numbers");
        assertBad(run("--lr-schedule", "step"), "--lr-milestones or --lr-step-every: the step schedule needs exactly one of them");
        assertBad(run("--lr-schedule", "step", "--lr-milestones", "4,2"), "--lr-milestones must be increasing");
        assertBad(run("--lr-schedule", "cosine", "--lr-gamma", "0.5"), "--lr-gamma applies only to the step schedule");
        assertBad(run("--warmup-epochs", "1", "--warmup-steps", "5"), "--warmup-steps and --warmup-epochs both set the warm-up");
    }

    @Test
    void badTransformsAndNormalizations() {
        expect("--augment", "flip,mirror", "--augment 'mirror' is not a transform");
        expect("--normalize", "imagenet", "--normalize 'imagenet': 'imagenet' is not a number");
        expect("--normalize", "0.5,0.2,0.1", "--normalize '0.5,0.2,0.1': 3 numbers");
        expect("--normalize", "0.5,0", "std 0.0 must be a finite number > 0");
        // the generated set has 3 channels: 2 means and 2 stds fit neither form
        expect("--normalize", "0.5,0.5,0.2,0.2", "--normalize gives 2 means and 2 stds, but the images have 3");
    }

    @Test
    void outputWithoutWritePermission() {
        // a file system that refuses writes (as HDFS does for a user without permission; root may
        // write anywhere on a local disk, so a chmod test would prove nothing here)
        String denied = "denied://" + tmp.resolve("models").toAbsolutePath() + "/model";
        assertEquals(2, Main.run(new String[]{"train", "--data", data.toString(), "--out", denied, "--master",
                "local[1]", "--conf", "spark.hadoop.fs.denied.impl=" + dev.sparkcnn.driver.store.DeniedFileSystem.class
                        .getName()}, new PrintStream(new ByteArrayOutputStream()), capture()), err());
        assertTrue(err().contains("--out " + denied + ": permission denied"), err());
        assertEquals(1, err().strip().lines().count(), err());
        assertFalse(Files.exists(tmp.resolve("models")), "nothing written");
    }

    @Test
    void moreSlicesThanTrainingRecords() {
        // 40 records in 80 partitions: half of them are empty
        expect("--partitions", "80", "--partitions 80 is more than the");
    }

    @Test
    void missingEmptyAndUnrecognisedDataDirectories() throws IOException {
        assertBad(run("--data", tmp.resolve("nope").toString()), "no such file or directory");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertBad(run("--data", empty.toString()), "the directory is empty");
        Files.writeString(empty.resolve("notes.txt"), "hello");
        assertBad(run("--data", empty.toString()), "cannot tell the format");
    }

    @Test
    void truncatedCifarFile() throws IOException {
        Path f = data.resolve("data_batch_2.bin");
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(bytes, bytes.length - 100));
        assertBad(run("--data", data.toString()), "data_batch_2.bin");
    }

    @Test
    void badIdxFiles() throws IOException {
        Path idx = Files.createDirectories(tmp.resolve("idx"));
        Files.write(idx.resolve("train-images-idx3-ubyte"), idxImages(5, 4, 4, 5 * 16));
        Files.write(idx.resolve("train-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 4, 0, 1, 2, 3});
        assertBad(run("--data", idx.toString()), "train-labels-idx1-ubyte");

        Files.write(idx.resolve("train-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 5, 0, 1, 2, 3, 1});
        Files.write(idx.resolve("train-images-idx3-ubyte"), idxImages(5, 4, 4, 5 * 16 - 7));
        assertBad(run("--data", idx.toString()), "train-images-idx3-ubyte");

        byte[] badMagic = idxImages(5, 4, 4, 5 * 16);
        badMagic[0] = 7;
        Files.write(idx.resolve("train-images-idx3-ubyte"), badMagic);
        assertBad(run("--data", idx.toString()), "train-images-idx3-ubyte");
    }

    @Test
    void existingOutputNeedsOverwrite() throws IOException {
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "precious");
        int code = Main.run(args(), new PrintStream(new ByteArrayOutputStream()), capture());
        assertEquals(2, code);
        assertTrue(err().contains("--out " + out + " already exists"), err());
        assertEquals("precious", Files.readString(out.resolve("keep.txt")));
    }

    @Test
    void configFileWithUnknownField() throws IOException {
        Path cfg = tmp.resolve("c.json");
        Files.writeString(cfg, "{\"epoch\": 3}");
        assertBad(run("--config", cfg.toString()), "epoch");
    }

    private static byte[] idxImages(int n, int h, int w, int dataBytes) {
        byte[] b = new byte[16 + dataBytes];
        b[2] = 8;
        b[3] = 3;
        b[7] = (byte) n;
        b[11] = (byte) h;
        b[15] = (byte) w;
        return b;
    }

    private ByteArrayOutputStream errBytes;

    private PrintStream capture() {
        errBytes = new ByteArrayOutputStream();
        return new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private void expect(String option, String value, String message) {
        assertBad(run(option, value), message);
    }

    private int run(String... extra) {
        return Main.run(args(extra), new PrintStream(new ByteArrayOutputStream()), capture());
    }

    private String[] args(String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--out", out.toString(),
                "--master", "local[1]"));
        for (int i = 0; i < extra.length; i += 2) {
            int at = a.indexOf(extra[i]);
            if (at >= 0) {
                a.set(at + 1, extra[i + 1]);
            } else {
                a.add(extra[i]);
                a.add(extra[i + 1]);
            }
        }
        return a.toArray(String[]::new);
    }

    private void assertBad(int code, String expected) {
        assertEquals(2, code, "exit status; stderr: " + err());
        String e = err();
        assertTrue(e.startsWith("sparkcnn: error: "), e);
        assertTrue(e.contains(expected), "expected '" + expected + "' in: " + e);
        assertEquals(1, e.strip().lines().count(), "one message, no stack trace: " + e);
        assertFalse(Files.exists(out), "no output directory is left behind");
    }
}
