package dev.sparkcnn.driver.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.SparkTest;
import dev.sparkcnn.driver.TestData;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.store.ModelDirectory;
import dev.sparkcnn.driver.train.FaultInjection;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.optim.RunSteps;
import dev.sparkcnn.kernels.optim.TrainingOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train} with every training option: config.json keeps them, model.json's spec holds the
 * run's schedule facts, and a run stopped mid-way and continued with {@code --resume} (which takes
 * the options from its checkpoint) ends exactly as the undisturbed run.
 */
@SparkTest
class TrainingOptionsCliTest {
    private static final HadoopConf HADOOP = new HadoopConf(new Configuration());
    @TempDir
    Path tmp;

    @Test
    void optionsAreStoredAndAResumedRunKeepsTheSchedule() throws Exception {
        Path data = TestData.cifar(tmp.resolve("data"), 2, 150, 20);
        // 120 training records per partition in batches of 16: 8 steps per epoch, 4 rounds of 2 steps
        List<String> args = List.of("train", "--data", data.toString(), "--model", "mnist-cnn", "--epochs", "2",
                "--batch-size", "16", "--averaging-frequency", "2", "--partitions", "2", "--master", "local[2]",
                "--optimizer", "nesterovs", "--learning-rate", "0.01", "--weight-decay", "5e-4",
                "--label-smoothing", "0.1", "--lr-schedule", "cosine", "--lr-floor", "1e-4", "--warmup-epochs", "1",
                "--lr-scaling", "linear", "--checkpoint-every", "1", "--no-report", "--conf", "spark.ui.enabled=false");
        Path whole = tmp.resolve("whole");
        Result ok = run(with(args, "--out", whole.toString()));
        assertEquals(0, ok.code, ok.err);

        JsonNode config = Json.MAPPER.readTree(whole.resolve("config.json").toFile());
        assertEquals(5e-4, config.get("weightDecay").asDouble());
        assertEquals("cosine", config.get("lrSchedule").asText());
        assertEquals("linear", config.get("lrScaling").asText());
        TrainingOptions stored = ModelDirectory.read(HADOOP, whole.toString()).spec().training();
        assertEquals(new RunSteps(0, 8, 2, 2), stored.run());
        assertEquals(0.1, stored.labelSmoothing());
        ModelState expected = ModelDirectory.read(HADOOP, whole.toString()).state();
        assertEquals(16, expected.iteration());

        Path part = tmp.resolve("part");
        Result failed = run(with(args, "--conf", FaultInjection.ONCE_KEY + "=6:1", "--out", part.toString()));
        assertEquals(1, failed.code, "the injected failure stops the run after round 5");
        Result resumed = run("train", "--resume", part + ".checkpoints", "--out", part.toString(), "--no-report",
                "--conf", "spark.ui.enabled=false");
        assertEquals(0, resumed.code, resumed.err);
        ModelState actual = ModelDirectory.read(HADOOP, part.toString()).state();
        assertEquals(expected.iteration(), actual.iteration());
        assertEquals(stored, ModelDirectory.read(HADOOP, part.toString()).spec().training());
        assertTrue(expected.maxAbsDifference(actual) < 1e-5, "max diff " + expected.maxAbsDifference(actual));

        // a warm start begins its own schedule where the stored model's step count stands
        Path warm = tmp.resolve("warm");
        Result fromWhole = run("train", "--data", data.toString(), "--model", "mnist-cnn", "--epochs", "1",
                "--batch-size", "16", "--averaging-frequency", "4", "--partitions", "2", "--master", "local[2]",
                "--init-from", whole.toString(), "--lr-schedule", "step", "--lr-step-every", "1",
                "--checkpoint-every", "0", "--no-report", "--conf", "spark.ui.enabled=false", "--out", warm.toString());
        assertEquals(0, fromWhole.code, fromWhole.err);
        TrainingOptions warmOptions = ModelDirectory.read(HADOOP, warm.toString()).spec().training();
        assertEquals(new RunSteps(16, 8, 1, 1), warmOptions.run());
        assertEquals(0, warmOptions.weightDecay(), "options are this run's, not the stored model's");
        assertEquals(24, ModelDirectory.read(HADOOP, warm.toString()).state().iteration());
    }

    private static String[] with(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(Arrays.asList(more));
        return all.toArray(new String[0]);
    }

    private static Result run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true));
        return new Result(code, err.toString(StandardCharsets.UTF_8));
    }

    private record Result(int code, String err) {
    }
}
