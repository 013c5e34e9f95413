package dev.sparkcnn.driver.jobs;

import dev.sparkcnn.driver.SparkTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.TestData;
import dev.sparkcnn.driver.config.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on an image folder on local[2]: images decoded and resized on the executors; one bad
 * file fails the run by default and is skipped and counted with {@code --on-bad-record skip}.
 */
@SparkTest
class ImageFolderCliTest {
    @TempDir
    Path tmp;
    private Path data;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void images() throws Exception {
        data = TestData.images(tmp.resolve("data"), List.of("blue", "green", "red"), 40, 11, 9);
        Files.writeString(data.resolve("green/017.png"), "this is not a PNG");
        BufferedImage grey = new BufferedImage(11, 9, BufferedImage.TYPE_BYTE_GRAY);
        ImageIO.write(grey, "png", data.resolve("red/033.png").toFile());
    }

    @Test
    void aBadImageFailsTheRunByDefaultNamingTheFile() {
        int code = train("--out", tmp.resolve("m1").toString());
        assertEquals(2, code, err.toString());
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("green/017.png: not a PNG or JPEG image") || e.contains("red/033.png: has 1 colour"), e);
        assertFalse(Files.exists(tmp.resolve("m1")));
    }

    @Test
    void skipWarnsCountsAndTrains() throws Exception {
        Path model = tmp.resolve("m2");
        int code = train("--out", model.toString(), "--on-bad-record", "skip");
        assertEquals(0, code, err.toString());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("skipped 2 bad image file(s)"), out.toString());
        JsonNode config = Json.MAPPER.readTree(model.resolve("config.json").toFile());
        assertEquals("images", config.get("format").asText());
        assertEquals(12, config.get("imageSize").asInt());
        JsonNode metrics = Json.MAPPER.readTree(model.resolve("metrics.json").toFile());
        assertEquals(3, metrics.get("confusionMatrix").size());
        long examples = metrics.get("testExamples").asLong();
        assertTrue(examples > 0 && examples < 120 * 0.2 + 2, "held-out examples " + examples);
        assertTrue(metrics.get("testAccuracy").asDouble() > 0.6, "flat colours are learnable: " + metrics);
    }

    private int train(String... extra) {
        String[] base = {"train", "--data", data.toString(), "--image-size", "12", "--model", "simple-cnn",
                "--epochs", "3", "--batch-size", "8", "--learning-rate", "0.01", "--partitions", "2", "--master",
                "local[2]", "--conf", "spark.ui.enabled=false"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Main.run(args, new PrintStream(out, true), new PrintStream(err, true));
    }
}
