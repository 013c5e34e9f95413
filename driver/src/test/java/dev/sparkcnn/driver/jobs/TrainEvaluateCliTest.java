package dev.sparkcnn.driver.jobs;

import dev.sparkcnn.driver.SparkTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.TestData;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.config.DataFormat;
import dev.sparkcnn.driver.config.TrainingConfig;
import dev.sparkcnn.driver.eval.EvaluationReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end on local[2]: data generate, train, evaluate, and bad records. */
@SparkTest
class TrainEvaluateCliTest {
    @TempDir
    Path tmp;

    @Test
    void trainWritesACompleteModelDirectoryAndEvaluateReproducesItsFigures() throws Exception {
        Path data = tmp.resolve("data");
        assertEquals(0, Main.run(new String[] {"data", "generate", "--out", data.toString(), "--train-files", "2",
                "--records-per-file", "150", "--test-records", "60"}, quiet(), System.err));
        Path out = tmp.resolve("model");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"train", "--data", data.toString(), "--model", "mnist-cnn", "--epochs",
                "1", "--batch-size", "32", "--partitions", "2", "--master", "local[2]", "--out", out.toString(),
                "--conf", "spark.ui.enabled=false"}, new PrintStream(stdout, true), System.err);
        assertEquals(0, code);
        String printed = stdout.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("confusion matrix"), printed);
        assertTrue(printed.contains("official test set (60 records)"), printed);

        try (Stream<Path> files = Files.list(out)) {
            assertEquals(Set.of("model.json", "state.bin", "config.json", "metrics.json", "report.html", "report"),
                    files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }
        assertTrue(printed.contains("report written to " + out + "/report.html"), printed);
        assertTrue(Files.readString(out.resolve("report.html")).contains("report/predictions.png"),
                "train wrote the report with the test image grid");
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(Set.of("data", "model", "model.checkpoints"), siblings.map(p -> p.getFileName().toString())
                    .collect(Collectors.toSet()), "no temporary directories left; checkpoints beside the model");
        }
        try (Stream<Path> checkpoints = Files.list(tmp.resolve("model.checkpoints"))) {
            assertEquals(Set.of("round-000001"), checkpoints.map(p -> p.getFileName().toString())
                    .collect(Collectors.toSet()), "by default, a checkpoint after each epoch (here 1 round)");
        }
        TrainingConfig config = Json.read(Files.readString(out.resolve("config.json")), TrainingConfig.class, "t");
        assertEquals(DataFormat.of("cifar10"), config.data().format());
        assertEquals(32, config.model().effectiveBatchSize());

        JsonNode metrics = Json.MAPPER.readTree(out.resolve("metrics.json").toFile());
        for (String key : new String[] {"testAccuracy", "officialTestAccuracy", "perPartition", "perClass",
                "confusionMatrix", "rounds"}) {
            assertTrue(metrics.has(key), "metrics.json has " + key);
        }
        assertEquals(2, metrics.get("perPartition").size());
        assertEquals(10, metrics.get("confusionMatrix").size());
        assertEquals(60, metrics.get("officialTest").get("examples").asLong());
        // 240 training records per partition... 120 each, batch 32, K=5: one round per epoch
        assertEquals(1, metrics.get("rounds").size());
        double trainingAccuracy = metrics.get("rounds").get(0).get("accuracy").asDouble(-1);
        assertTrue(trainingAccuracy >= 0 && trainingAccuracy <= 1, "the native engine measures training accuracy");

        Map<String, EvaluationReport> again = new EvaluateJob(new EvaluateJob.Request(out.toString(), null, null,
                "local[2]", null, null, null, null, TestData.sparkTestConf()), new java.io.PrintWriter(quiet())).run();
        assertEquals(metrics.get("testAccuracy").asDouble(), again.get("test").accuracy(), 0.0,
                "evaluate sees the same held-out split and the same model");
        assertEquals(metrics.get("testExamples").asLong(), again.get("test").examples());
        assertEquals(metrics.get("officialTestAccuracy").asDouble(), again.get("officialTest").accuracy(), 0.0);

        ByteArrayOutputStream evaluated = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[] {"evaluate", "--model-dir", out.toString(), "--master", "local[2]",
                "--conf", "spark.ui.enabled=false"}, new PrintStream(evaluated), System.err));
        String report = evaluated.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("held-out split") && report.contains("official test set (60 records)"),
                "the evaluate command prints its reports: '" + report + "'");
    }

    @Test
    void cifar100TrainsOnTheChosenLabelSetAndEvaluateKeepsIt() throws Exception {
        Path data = TestData.cifar100(tmp.resolve("data").resolve("cifar-100-binary"), 160, 40);
        Path out = tmp.resolve("model");
        int code = Main.run(new String[] {"train", "--data", tmp.resolve("data").toString(), "--label-set", "coarse",
                "--model", "simple-cnn", "--epochs", "1", "--partitions", "2", "--master", "local[2]", "--out",
                out.toString(), "--conf", "spark.ui.enabled=false"}, quiet(), System.err);
        assertEquals(0, code);
        TrainingConfig config = Json.read(Files.readString(out.resolve("config.json")), TrainingConfig.class, "t");
        assertEquals(DataFormat.of("cifar100"), config.data().format());
        assertEquals(dev.sparkcnn.driver.config.LabelSet.COARSE, config.data().labelSet());
        JsonNode metrics = Json.MAPPER.readTree(out.resolve("metrics.json").toFile());
        assertEquals(20, metrics.get("confusionMatrix").size(), "20 coarse classes");
        assertEquals(40, metrics.get("officialTest").get("examples").asLong());
        assertTrue(data.resolve("train.bin").toFile().isFile());

        Map<String, EvaluationReport> again = new EvaluateJob(new EvaluateJob.Request(out.toString(), null, null,
                "local[2]", null, null, null, null, TestData.sparkTestConf()), new java.io.PrintWriter(quiet())).run();
        assertEquals(metrics.get("testAccuracy").asDouble(), again.get("test").accuracy(), 0.0);
    }

    @Test
    void aBadLabelFoundByAnExecutorIsAClearErrorAndLeavesNoModel() throws Exception {
        Path data = TestData.cifar(tmp.resolve("data"), 2, 40, 10);
        try (RandomAccessFile f = new RandomAccessFile(data.resolve("data_batch_2.bin").toFile(), "rw")) {
            f.seek(7L * 3073);
            f.write(200);
        }
        Path out = tmp.resolve("model");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"train", "--data", data.toString(), "--epochs", "1", "--master",
                "local[2]", "--out", out.toString(), "--conf", "spark.ui.enabled=false"}, quiet(),
                new PrintStream(err, true));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, message);
        assertTrue(message.startsWith("sparkcnn: error: "), message);
        assertTrue(message.contains("data_batch_2.bin") && message.contains("200"), message);
        assertFalse(Files.exists(out));
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }
}
