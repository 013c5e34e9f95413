package dev.sparkcnn.driver.jobs;

import dev.sparkcnn.driver.SparkTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.TestData;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.store.Checkpoints;
import dev.sparkcnn.driver.store.ModelDirectory;
import dev.sparkcnn.driver.store.SavedModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Warm start ({@code --init-from}, {@code --lr-factor}), a diverging run, and the checks of {@code --resume}. */
@SparkTest
class WarmStartAndDivergenceTest {
    private static final HadoopConf HADOOP = new HadoopConf(new Configuration());
    @TempDir
    static Path tmp;
    private static Path data;

    @BeforeAll
    static void data() {
        data = TestData.cifar(tmp.resolve("data"), 2, 400, 100);
    }

    @Test
    void continuingATrainedModelWithALowerLearningRateStartsWhereItStopped() throws Exception {
        Path base = tmp.resolve("base");
        assertEquals(0, train("--epochs", "3", "--out", base.toString()).code);
        Result more = train("--epochs", "1", "--init-from", base.toString(), "--lr-factor", "0.1", "--out",
                tmp.resolve("more").toString());
        assertEquals(0, more.code, more.err);

        JsonNode baseMetrics = Json.MAPPER.readTree(base.resolve("metrics.json").toFile());
        JsonNode moreMetrics = Json.MAPPER.readTree(tmp.resolve("more/metrics.json").toFile());
        double freshFirst = baseMetrics.get("rounds").get(0).get("loss").asDouble();
        JsonNode baseRounds = baseMetrics.get("rounds");
        double baseLast = baseRounds.get(baseRounds.size() - 1).get("loss").asDouble();
        double warmFirst = moreMetrics.get("rounds").get(0).get("loss").asDouble();
        assertTrue(warmFirst < freshFirst / 2 && warmFirst < baseLast * 1.5, "the warm run's first round (loss "
                + warmFirst + ") starts at the stored model's level (last round " + baseLast + "), not a fresh "
                + "run's (" + freshFirst + ")");
        double before = baseMetrics.get("testAccuracy").asDouble();
        double after = moreMetrics.get("testAccuracy").asDouble();
        assertTrue(before > 0.5, "the base model learned the generated set: " + before);
        assertTrue(after >= before - 0.05, "held-out accuracy " + before + " -> " + after);

        SavedModel stored = ModelDirectory.read(HADOOP, base.toString());
        SavedModel continued = ModelDirectory.read(HADOOP, tmp.resolve("more").toString());
        assertEquals(stored.spec().learningRate() * 0.1, continued.spec().learningRate(), 1e-12);
        assertTrue(continued.state().iteration() > stored.state().iteration(), "the optimizer's step count goes on");
    }

    @Test
    void aWarmStartFromAnotherModelIsAUsageErrorNamingBoth() {
        Path base = tmp.resolve("small");
        assertEquals(0, train("--epochs", "1", "--out", base.toString()).code);
        Result wrong = train("--model", "simple-cnn", "--batch-size", "32", "--init-from", base.toString(), "--out",
                tmp.resolve("wrong").toString());
        assertEquals(2, wrong.code, wrong.err);
        assertTrue(wrong.err.contains("--init-from") && wrong.err.contains("mnist-cnn")
                && wrong.err.contains("simple-cnn"), wrong.err);
        Result noBase = train("--lr-factor", "0.1", "--out", tmp.resolve("nobase").toString());
        assertEquals(2, noBase.code);
        assertTrue(noBase.err.contains("--lr-factor") && noBase.err.contains("--init-from"), noBase.err);
        assertFalse(Files.exists(tmp.resolve("wrong")) || Files.exists(tmp.resolve("nobase")));
    }

    @Test
    void aDivergingRunStopsWithAClearErrorAndKeepsOnlyGoodCheckpoints() throws Exception {
        Path out = tmp.resolve("diverged");
        // one step per round: the loss is still finite in the first two steps and NaN in the third
        Result r = train("--epochs", "2", "--optimizer", "sgd", "--learning-rate", "1e6", "--averaging-frequency", "1",
                "--checkpoint-every", "1", "--out", out.toString());
        assertEquals(1, r.code, r.err);
        assertTrue(r.err.contains("training stopped: the loss became") && r.err.contains("lower the learning rate"),
                r.err);
        assertFalse(Files.exists(out), "no model from a diverged run");
        Path checkpoints = tmp.resolve("diverged.checkpoints");
        Checkpoints.Loaded last = Checkpoints.latest(HADOOP, checkpoints.toString());
        assertEquals(List.of(), last.damaged());
        assertEquals(2, last.checkpoint().info().round(), "rounds 1 and 2 were good, round 3 diverged");
        assertTrue(r.err.contains("the last good checkpoint is " + checkpoints.resolve("round-000002")), r.err);
        last.checkpoint().info().rounds().forEach(s -> assertTrue(Double.isFinite(s.loss()), s.toString()));
    }

    @Test
    void resumeRefusesOptionsThatWouldChangeTheRunAndNeedsACheckpoint() {
        Result changed = run("train", "--resume", tmp.resolve("x").toString(), "--epochs", "9");
        assertEquals(2, changed.code);
        assertTrue(changed.err.contains("--epochs cannot be given with --resume"), changed.err);
        Result none = run("train", "--resume", tmp.resolve("nothing-here").toString());
        assertEquals(2, none.code);
        assertTrue(none.err.contains("nothing-here") && none.err.contains("no checkpoints"), none.err);
    }

    private static Result train(String... options) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--model", "mnist-cnn",
                "--batch-size", "32", "--partitions", "2", "--master", "local[2]", "--no-report", "--conf",
                "spark.ui.enabled=false"));
        for (int i = 0; i < options.length; i++) {
            int at = args.indexOf(options[i]);
            if (at >= 0 && i + 1 < options.length && !options[i + 1].startsWith("--")) {
                args.set(at + 1, options[++i]); // an override of a default above
            } else {
                args.add(options[i]);
            }
        }
        return run(args.toArray(new String[0]));
    }

    private static Result run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true));
        return new Result(code, err.toString(StandardCharsets.UTF_8));
    }

    private record Result(int code, String err) {
    }
}
