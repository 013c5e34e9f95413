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
 * {@code --model keras:FILE} on the command line: {@code model summary} of a Keras fixture (the
 * generated {@code to_json()} files of worker-kernels' test resources), {@code train} storing the
 * imported network as a definition in the model directory (so {@code evaluate} needs the Keras file
 * no more) and resuming from its checkpoints, and a file Keras import refuses, or data that does not
 * fit it, failing with status 2 before anything is written.
 */
@SparkTest
class KerasModelCliTest {

    /** The fixtures, from this module's directory (where the build runs the tests). */
    private static final Path FIXTURES = Path.of("..", "worker-kernels", "src", "test", "resources", "keras");

    @TempDir
    Path tmp;

    @Test
    void summaryOfAKerasFileGivesKerasParameterCount() {
        Result mnist = run("model", "summary", "--model", "keras:" + fixture("mnist_convnet.json"));
        assertEquals(0, mnist.code, mnist.err);
        // Keras' own count for keras.io's MNIST convnet (params.json): 34,826
        assertTrue(mnist.out.contains("input 1x28x28") && mnist.out.contains("total: 34,826 trainable, 0 non-trainable"),
                mnist.out);
        Result resnet = run("model", "summary", "--model", "keras:" + fixture("resnet_mini.json"), "--classes", "10");
        assertEquals(0, resnet.code, resnet.err);
        assertTrue(resnet.out.contains("total: 19,994 trainable, 288 non-trainable"), resnet.out);
    }

    @Test
    void trainImportsTheArchitectureAndStoresItAsADefinition() throws Exception {
        Path data = generate();
        Path keras = tmp.resolve("tutorial.json");
        Files.copy(fixture("tf_cnn_tutorial.json"), keras);
        Path out = tmp.resolve("model");
        Result train = run("train", "--data", data.toString(), "--model", "keras:" + keras, "--epochs", "1",
                "--batch-size", "16", "--partitions", "2", "--master", "local[2]", "--out", out.toString(),
                "--no-report", "--checkpoint-every", "1", "--conf", "spark.ui.enabled=false");
        assertEquals(0, train.code, train.err);
        // --resume takes the network the checkpoint stored: the Keras file may be gone
        Files.move(keras, tmp.resolve("moved.json"));
        Result resume = run("train", "--resume", tmp.resolve("model.checkpoints").toString(), "--out",
                tmp.resolve("resumed").toString(), "--conf", "spark.ui.enabled=false");
        assertEquals(0, resume.code, resume.err);
        assertTrue(resume.err.contains("resuming from"), resume.err);
        JsonNode spec = Json.MAPPER.readTree(out.resolve("model.json").toFile()).get("spec");
        assertEquals("tutorial", spec.get("model").asText());
        assertEquals("xavier_uniform", spec.get("network").get("weightInit").asText());
        assertEquals("conv2d", spec.get("network").get("layers").get(0).get("type").asText());
        Result evaluate = run("evaluate", "--model-dir", out.toString(), "--master", "local[2]", "--conf",
                "spark.ui.enabled=false");
        assertEquals(0, evaluate.code, evaluate.err);
    }

    @Test
    void aRefusedKerasFileFailsWithStatus2NamingTheLayerBeforeAnythingIsWritten() throws Exception {
        Path bad = tmp.resolve("lstm.json");
        Files.writeString(bad, Files.readString(fixture("tf_cnn_tutorial.json"))
                .replaceFirst("\"class_name\": \"MaxPooling2D\"", "\"class_name\": \"LSTM\""));
        Result summary = run("model", "summary", "--model", "keras:" + bad);
        assertEquals(2, summary.code);
        assertTrue(summary.err.contains(bad + ": Keras layer 1 (LSTM '"), summary.err);
        assertTrue(summary.err.contains("field 'class_name': the Keras layer class LSTM is not imported"), summary.err);
        Path notJson = tmp.resolve("model.py");
        Files.writeString(notJson, "model = keras.Sequential()\n");
        Path out = tmp.resolve("never");
        Result train = run("train", "--data", generate().toString(), "--model", "keras:" + notJson, "--epochs", "1",
                "--master", "local[2]", "--out", out.toString(), "--conf", "spark.ui.enabled=false");
        assertEquals(2, train.code);
        assertTrue(train.err.contains(notJson + ": not a Keras model JSON file"), train.err);
        assertFalse(Files.exists(out), "nothing written");
        // the MNIST convnet takes 1x28x28 images; the generated set is 3x32x32
        Result mismatch = run("train", "--data", generate().toString(), "--model", "keras:"
                + fixture("mnist_convnet.json"), "--epochs", "1", "--master", "local[2]", "--out", out.toString(),
                "--conf", "spark.ui.enabled=false");
        assertEquals(2, mismatch.code, mismatch.err);
        assertTrue(mismatch.err.contains("the network is defined for 1x28x28 input but the data is 3x32x32"),
                mismatch.err);
        assertFalse(Files.exists(out), "nothing written");
    }

    private static Path fixture(String name) {
        Path file = FIXTURES.resolve(name);
        assertTrue(Files.isRegularFile(file), "the Keras fixture " + file.toAbsolutePath() + " is missing");
        return file;
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
