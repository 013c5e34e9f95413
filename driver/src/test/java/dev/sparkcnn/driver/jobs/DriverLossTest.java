package dev.sparkcnn.driver.jobs;

import dev.sparkcnn.driver.SparkTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.TestData;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.store.Checkpoints;
import dev.sparkcnn.driver.store.ModelDirectory;
import dev.sparkcnn.kernels.ModelState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Driver loss (issue 6, acceptance 3): the driver runs as a child JVM and is killed with SIGKILL
 * once a checkpoint exists; {@code train --resume} then finishes the run, and the model equals an
 * uninterrupted run's, with every round done exactly once.
 */
@SparkTest
class DriverLossTest {
    private static final HadoopConf HADOOP = new HadoopConf(new Configuration());
    @TempDir
    Path tmp;

    @Test
    void parameterAveragingResumedAfterTheDriverIsKilledEqualsAnUninterruptedRun() throws Exception {
        // 240 training records, 120 per partition, 2 steps of 16 per round: 4 rounds per epoch, 16 in all
        // and the newest checkpoint is damaged after the kill: the resume uses the one before it
        killAndResume("parameter-averaging", 16, true);
    }

    @Test
    void gradientSharingResumedAfterTheDriverIsKilledEqualsAnUninterruptedRun() throws Exception {
        // one round per epoch
        killAndResume("gradient-sharing", 4, false);
    }

    private void killAndResume(String strategy, int totalRounds, boolean damageNewest) throws Exception {
        Path data = TestData.cifar(tmp.resolve("data"), 2, 150, 20);
        List<String> args = List.of("train", "--data", data.toString(), "--model", "mnist-cnn", "--strategy", strategy,
                "--epochs", "4", "--batch-size", "16", "--averaging-frequency", "2", "--partitions", "2", "--master",
                "local[2]", "--checkpoint-every", "1", "--no-report", "--conf", "spark.ui.enabled=false");

        Path whole = tmp.resolve("whole");
        assertEquals(0, Main.run(with(args, "--out", whole.toString()), quiet(), System.err));

        Path killed = tmp.resolve("killed");
        Path checkpoints = tmp.resolve("killed.checkpoints");
        Path log = tmp.resolve("child.log");
        Process child = new ProcessBuilder(childCommand(with(args, "--out", killed.toString())))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!Files.isDirectory(checkpoints.resolve("round-000002"))) {
                assertTrue(child.isAlive(), "the child driver ended early: " + tail(log));
                assertTrue(System.nanoTime() < deadline, "no checkpoint 2 within 3 minutes: " + tail(log));
                Thread.sleep(10);
            }
        } finally {
            child.destroyForcibly().waitFor();
        }
        assertFalse(Files.exists(killed), "the driver was killed before it wrote the model");
        String damaged = null;
        if (damageNewest) {
            try (var dirs = Files.list(checkpoints)) {
                damaged = dirs.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("round-")).sorted()
                        .reduce((a, b) -> b).orElseThrow();
            }
            Path state = checkpoints.resolve(damaged).resolve(Checkpoints.STATE);
            byte[] bytes = Files.readAllBytes(state);
            bytes[bytes.length / 2] ^= 1;
            Files.write(state, bytes);
        }

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"train", "--resume", checkpoints.toString(), "--out", killed.toString(),
                "--conf",
                "spark.ui.enabled=false"}, quiet(), new PrintStream(err, true));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, printed);
        Matcher m = Pattern.compile("resuming from \\S+round-0*(\\d+) \\(round (\\d+) of (\\d+)\\)").matcher(printed);
        assertTrue(m.find(), printed);
        int resumedAfter = Integer.parseInt(m.group(2));
        assertTrue(resumedAfter >= (damageNewest ? 1 : 2) && resumedAfter < totalRounds,
                "resumed mid-run, after round " + resumedAfter);
        if (damageNewest) {
            assertTrue(printed.contains("warning: skipping damaged checkpoint: ") && printed.contains(damaged + "/"
                    + Checkpoints.STATE + ": checksum mismatch"), printed);
            assertEquals(Integer.parseInt(damaged.substring("round-".length())) - 1, resumedAfter);
        }
        assertEquals(totalRounds, Integer.parseInt(m.group(3)));

        ModelState expected = ModelDirectory.read(HADOOP, whole.toString()).state();
        ModelState actual = ModelDirectory.read(HADOOP, killed.toString()).state();
        assertEquals(expected.iteration(), actual.iteration(), "the same number of steps");
        double diff = expected.maxAbsDifference(actual);
        assertTrue(diff < 1e-5, "parameters and updater state equal within float tolerance, max diff " + diff);

        JsonNode wholeRounds = Json.MAPPER.readTree(whole.resolve("metrics.json").toFile()).get("rounds");
        JsonNode resumedRounds = Json.MAPPER.readTree(killed.resolve("metrics.json").toFile()).get("rounds");
        assertEquals(totalRounds, wholeRounds.size());
        assertEquals(totalRounds, resumedRounds.size(), "no round lost or repeated");
        for (int i = 0; i < totalRounds; i++) {
            assertEquals(i + 1, resumedRounds.get(i).get("round").asInt());
            assertEquals(wholeRounds.get(i).get("epoch").asInt(), resumedRounds.get(i).get("epoch").asInt());
            assertEquals(wholeRounds.get(i).get("examples").asLong(), resumedRounds.get(i).get("examples").asLong());
            assertEquals(wholeRounds.get(i).get("loss").asDouble(), resumedRounds.get(i).get("loss").asDouble(), 1e-4,
                    "round " + (i + 1) + " trained on the same records from the same state");
        }
        assertEquals(totalRounds, Checkpoints.latest(HADOOP, checkpoints.toString()).checkpoint().info().round(),
                "the resumed run checkpointed its last round");
    }

    private static String[] with(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(Arrays.asList(more));
        return all.toArray(new String[0]);
    }

    /** This JVM's java, class path and Spark's --add-opens flags (from the driver pom's surefire settings). */
    private static List<String> childCommand(String[] args) {
        String opens = System.getProperty("sparkcnn.test.javaOpens");
        assertNotNull(opens, "run through Maven: the driver pom's surefire settings pass sparkcnn.test.javaOpens");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(Arrays.asList(opens.trim().split("\\s+")));
        command.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(Arrays.asList(args));
        return command;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (java.io.IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }
}
