package dev.sparkcnn.driver.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.SparkTest;
import dev.sparkcnn.driver.config.Json;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Networks users bring, on the command line: {@code model summary} of catalogue models and
 * definition files, {@code train --model FILE} storing the definition in the model directory (so
 * {@code evaluate} needs the file no more), and bad definitions failing with status 2, naming the
 * file, layer and field, before anything is written.
 */
@SparkTest
class ModelDefinitionCliTest {

    private static final String CUSTOM = """
            {"name": "tiny", "description": "a user's network", "layers": [
              {"type": "conv2d", "filters": 8, "kernel": 5, "stride": 2, "padding": "same", "activation": "relu"},
              {"type": "maxpool", "size": 2},
              {"type": "flatten"},
              {"type": "dense", "units": "classes", "activation": "softmax"}]}
            """;

    @TempDir
    Path tmp;

    @Test
    void summaryPrintsTheTableOfACatalogueModelAndOfAFile() throws Exception {
        Result resnet = run("model", "summary", "--model", "resnet20", "--input", "3x32x32", "--classes", "10");
        assertEquals(0, resnet.code, resnet.err);
        assertTrue(resnet.out.contains("total: 272,474 trainable, 1,568 non-trainable"), resnet.out);
        Path file = tmp.resolve("tiny.json");
        Files.writeString(file, CUSTOM);
        Result tiny = run("model", "summary", "--model", file.toString(), "--input", "3x32x32", "--classes", "4");
        assertEquals(0, tiny.code, tiny.err);
        // conv 8 5x5 on 3 channels: 3*25*8 + 8 = 608; 32 -> 16 (stride 2) -> 8 (pool); dense 8*8*8*4 + 4 = 2,052
        assertTrue(tiny.out.contains("8x16x16") && tiny.out.contains("total: 2,660 trainable"), tiny.out);
        Result noInput = run("model", "summary", "--model", file.toString());
        assertEquals(2, noInput.code);
        assertTrue(noInput.err.contains("--input is required"), noInput.err);
    }

    @Test
    void badDefinitionsFailWithTheFileLayerAndField() throws Exception {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, CUSTOM.replace("\"kernel\": 5, ", ""));
        Result summary = run("model", "summary", "--model", bad.toString(), "--input", "3x32x32");
        assertEquals(2, summary.code);
        assertTrue(summary.err.contains(bad + ": layer 0 (conv2d), field 'kernel': is missing"), summary.err);
        Path small = tmp.resolve("small.json");
        Files.writeString(small, CUSTOM);
        Result shrunk = run("model", "summary", "--model", small.toString(), "--input", "1x1x1");
        assertEquals(2, shrunk.code);
        assertTrue(shrunk.err.contains(small + ": layer 1 (maxpool): maxpool 2x2 shrinks its input 8x1x1 to 8x0x0"),
                shrunk.err);
        Path data = generate();
        Path out = tmp.resolve("never");
        Result train = run("train", "--data", data.toString(), "--model", bad.toString(), "--epochs", "1",
                "--master", "local[2]", "--out", out.toString(), "--conf", "spark.ui.enabled=false");
        assertEquals(2, train.code);
        assertTrue(train.err.contains(bad + ": layer 0 (conv2d), field 'kernel': is missing"), train.err);
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void trainStoresTheDefinitionSoEvaluateNeedsNoFile() throws Exception {
        Path data = generate();
        Path file = tmp.resolve("tiny.json");
        Files.writeString(file, CUSTOM);
        Path out = tmp.resolve("model");
        Result train = run("train", "--data", data.toString(), "--model", file.toString(), "--epochs", "1",
                "--batch-size", "16", "--partitions", "2", "--master", "local[2]", "--out", out.toString(),
                "--no-report", "--conf", "spark.ui.enabled=false");
        assertEquals(0, train.code, train.err);
        JsonNode spec = Json.MAPPER.readTree(out.resolve("model.json").toFile()).get("spec");
        assertEquals("tiny", spec.get("model").asText());
        assertEquals("conv2d", spec.get("network").get("layers").get(0).get("type").asText());
        Files.delete(file);
        Result evaluate = run("evaluate", "--model-dir", out.toString(), "--master", "local[2]", "--conf",
                "spark.ui.enabled=false");
        assertEquals(0, evaluate.code, evaluate.err);
    }

    private Path generate() {
        Path data = tmp.resolve("data");
        if (!Files.exists(data)) {
            assertEquals(0, Main.run(new String[] {"data", "generate", "--out", data.toString(), "--train-files", "1",
                    "--records-per-file", "96", "--test-records", "20"}, new PrintStream(OutputStream.nullOutputStream()),
                    System.err));
        }
        return data;
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
