package dev.sparkcnn.driver.predict;

import dev.sparkcnn.driver.SparkTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkcnn.datasets.CifarFormat;
import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.TestData;
import dev.sparkcnn.driver.config.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict} on a model trained here on generated data (local[2], seconds): an exported test
 * image gets its class, the same as the record itself; bad inputs are exit 2 naming the file.
 */
@SparkTest
class PredictCliTest {
    /** The test record used; the deterministic training below classifies it correctly. */
    private static final int INDEX = 0;

    @TempDir
    static Path tmp;
    private static Path data;
    private static Path model;
    private static ImageRecord record;

    @BeforeAll
    static void train() throws Exception {
        data = TestData.cifar(tmp.resolve("data"), 2, 300, 40);
        model = tmp.resolve("model");
        Run r = run("train", "--data", data.toString(), "--model", "mnist-cnn", "--epochs", "4", "--batch-size",
                "32", "--partitions", "2", "--master", "local[2]", "--out", model.toString(), "--no-report",
                "--conf", "spark.ui.enabled=false");
        assertEquals(0, r.code, r.err);
        assertFalse(Files.exists(model.resolve("report.html")), "--no-report");
        JsonNode metrics = Json.MAPPER.readTree(model.resolve("metrics.json").toFile());
        assertTrue(metrics.get("officialTestAccuracy").asDouble() > 0.8, "the model learned: " + metrics);
        List<ImageRecord> test = new ArrayList<>();
        try (InputStream in = Files.newInputStream(data.resolve("test_batch.bin"))) {
            CifarFormat.read(in, "test_batch.bin", 0, 40, 10, test::add);
        }
        record = test.get(INDEX);
    }

    @Test
    void anExportedTestImageGetsItsClassLikeTheRecordItself() throws Exception {
        Path png = tmp.resolve("image.png");
        ImageIO.write(Pictures.toImage(record.pixels(), 3, 32, 32), "png", png.toFile());
        String expected = CifarFormat.CIFAR10_CLASSES.get(record.label());

        Run file = run("predict", "--model-dir", model.toString(), "--top-k", "2", png.toString());
        assertEquals(0, file.code, file.err);
        List<String> lines = file.out.lines().toList();
        assertEquals(3, lines.size(), file.out);
        assertEquals(png.toString(), lines.get(0));
        assertTrue(lines.get(1).matches("  1\\. " + expected + " +0\\.\\d{4}"), file.out);
        assertTrue(lines.get(2).startsWith("  2. "), file.out);

        Run byIndex = run("predict", "--model-dir", model.toString(), "--top-k", "2", "--index",
                Integer.toString(INDEX));
        assertEquals(0, byIndex.code, byIndex.err);
        List<String> recordLines = byIndex.out.lines().toList();
        assertTrue(recordLines.get(0).endsWith("test record " + INDEX + " (the dataset's test set): true class "
                + expected), byIndex.out);
        assertEquals(lines.subList(1, 3), recordLines.subList(1, 3), "same pixels, same probabilities");
    }

    @Test
    void aLargerJpegIsResizedAndStillRecognised() throws Exception {
        BufferedImage big = new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB);
        big.createGraphics().drawImage(Pictures.toImage(record.pixels(), 3, 32, 32), 0, 0, 128, 128, null);
        Path jpeg = tmp.resolve("big.jpg");
        ImageIO.write(big, "jpeg", jpeg.toFile());
        Run r = run("predict", "--model-dir", model.toString(), "--top-k", "1", jpeg.toString());
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("1. " + CifarFormat.CIFAR10_CLASSES.get(record.label()) + " "), r.out);
    }

    @Test
    void showWritesAPictureOfThePredictions() throws Exception {
        Path show = tmp.resolve("shown.png");
        Run r = run("predict", "--model-dir", model.toString(), "--random", "--seed", "3", "--show",
                show.toString(), "--random");
        assertEquals(0, r.code, r.err);
        assertEquals(2, r.out.lines().filter(l -> l.contains("test record")).count(), r.out);
        BufferedImage picture = ImageIO.read(show.toFile());
        assertNotNull(picture);
        assertTrue(picture.getWidth() >= 2 * 192 && picture.getHeight() >= 192, picture.toString());
        try (var left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(".shown.png")), "no temp file");
        }
    }

    @Test
    void badInputsAreExitTwoNamingTheFile() throws Exception {
        Path missing = tmp.resolve("missing.png");
        expectError(List.of(missing.toString()), missing + ": no such image file");

        Path grey = tmp.resolve("grey.png");
        ImageIO.write(Pictures.toImage(new byte[32 * 32], 1, 32, 32), "png", grey.toFile());
        expectError(List.of(grey.toString()), grey + ": has 1 colour channel (grey-scale) but the model takes 3");

        Path text = tmp.resolve("text.png");
        Files.writeString(text, "this is not a PNG");
        expectError(List.of(text.toString()), text + ": not an image this build can decode");

        expectError(List.of("--index", "40"), "--index 40 is out of range: the dataset's test set has 40 records");
        expectError(List.of(), "nothing to predict");
        expectError(List.of("--top-k", "0", "--index", "1"), "--top-k must be at least 1");
        expectError(List.of("--index", "1", "--show", tmp.resolve("no/such/dir.png").toString()), "--show ");
    }

    private static void expectError(List<String> args, String message) {
        List<String> all = new ArrayList<>(List.of("predict", "--model-dir", model.toString()));
        all.addAll(args);
        Run r = run(all.toArray(String[]::new));
        assertEquals(2, r.code, r.err);
        assertTrue(r.err.startsWith("sparkcnn: error: ") && r.err.contains(message), r.err);
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true), new PrintStream(err, true));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
