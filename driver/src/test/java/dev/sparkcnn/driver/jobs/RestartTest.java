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
import dev.sparkcnn.driver.store.ModelDirectory;
import dev.sparkcnn.driver.train.FaultInjection;
import dev.sparkcnn.kernels.ModelState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --restarts}: a job that fails for good (in local mode one failed task is enough) is
 * restarted from the last checkpoint and the run ends as an undisturbed one, its per-epoch figures
 * included; without restarts the failure stands.
 */
@SparkTest
class RestartTest {
    private static final HadoopConf HADOOP = new HadoopConf(new Configuration());
    @TempDir
    Path tmp;

    @Test
    void aFailedJobIsRestartedFromTheLastCheckpointAndEndsAsAnUndisturbedRun() throws Exception {
        Path data = TestData.cifar(tmp.resolve("data"), 2, 150, 20);
        // 120 training records per partition, 2 steps of 16 per round: 4 rounds an epoch, 8 in all;
        // the held-out split evaluated after each epoch, a checkpoint every 3 rounds
        List<String> args = List.of("train", "--data", data.toString(), "--model", "mnist-cnn", "--epochs", "2",
                "--validate-every", "1", "--batch-size", "16", "--averaging-frequency", "2", "--partitions", "2",
                "--master", "local[2]", "--checkpoint-every", "3", "--no-report", "--conf", "spark.ui.enabled=false");
        Path whole = tmp.resolve("whole");
        assertEquals(0, run(with(args, "--out", whole.toString())).code);

        Path restarted = tmp.resolve("restarted");
        // round 5 fails once, after epoch 1's figures were taken at round 4: the restart goes back to
        // the checkpoint of round 3 and runs round 4, and so epoch 1, again
        Result r = run(with(args, "--restarts", "1", "--conf", FaultInjection.ONCE_KEY + "=5:1", "--out",
                restarted.toString()));
        assertEquals(0, r.code, r.err);
        ModelState expected = ModelDirectory.read(HADOOP, whole.toString()).state();
        ModelState actual = ModelDirectory.read(HADOOP, restarted.toString()).state();
        assertEquals(expected.iteration(), actual.iteration());
        assertTrue(expected.maxAbsDifference(actual) < 1e-5, "max diff " + expected.maxAbsDifference(actual));
        JsonNode metrics = Json.MAPPER.readTree(restarted.resolve("metrics.json").toFile());
        JsonNode rounds = metrics.get("rounds");
        assertEquals(8, rounds.size(), "rounds 4 and 5 counted once");
        for (int i = 0; i < 8; i++) {
            assertEquals(i + 1, rounds.get(i).get("round").asInt());
        }
        // the per-epoch figures are rewound with the checkpoint: each epoch once, as the undisturbed run's
        JsonNode epochs = metrics.get("epochs");
        JsonNode wholeEpochs = Json.MAPPER.readTree(whole.resolve("metrics.json").toFile()).get("epochs");
        assertEquals(2, epochs.size(), epochs.toString());
        for (int i = 0; i < 2; i++) {
            JsonNode e = epochs.get(i);
            assertEquals(i + 1, e.get("epoch").asInt());
            assertEquals(wholeEpochs.get(i).get("examples").asLong(), e.get("examples").asLong());
            assertEquals(wholeEpochs.get(i).get("heldOutAccuracy").asDouble(), e.get("heldOutAccuracy").asDouble(),
                    1e-6, "epoch " + (i + 1));
            assertEquals(wholeEpochs.get(i).get("heldOutLoss").asDouble(), e.get("heldOutLoss").asDouble(), 1e-4,
                    "epoch " + (i + 1));
        }

        Path failed = tmp.resolve("failed");
        Result noRestart = run(with(args, "--conf", FaultInjection.ONCE_KEY + "=2:0", "--out", failed.toString()));
        assertEquals(1, noRestart.code);
        assertTrue(noRestart.err.contains("injected failure"), noRestart.err);
        assertFalse(Files.exists(failed));
    }

    @Test
    void badInputAndDivergenceAreNeverRetried() {
        assertFalse(Restarts.retryable(new RuntimeException(new dev.sparkcnn.driver.config.ConfigException("--x bad"))));
        assertFalse(Restarts.retryable(new dev.sparkcnn.datasets.InvalidDataException("f: bad label")));
        assertFalse(Restarts.retryable(new RuntimeException("Job aborted: Lost task 1.0: "
                + "dev.sparkcnn.datasets.InvalidDataException: data_batch_2.bin: label 200")));
        assertFalse(Restarts.retryable(new RuntimeException("Lost task: java.lang.IllegalStateException: loss became "
                + "NaN at step 3")));
        assertTrue(Restarts.retryable(new RuntimeException("Job aborted: ExecutorLostFailure (executor 1 exited)")));
        assertTrue(Restarts.retryable(new java.io.UncheckedIOException(new java.io.IOException("connection reset"))));
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
