package dev.sparkcnn.driver.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.registry.ModelRegistry;
import dev.sparkcnn.driver.store.CheckpointWriter;
import dev.sparkcnn.driver.store.Checkpoints;
import dev.sparkcnn.driver.store.ModelDirectory;
import dev.sparkcnn.driver.store.PausePoints;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing lost (acceptance 5): a child JVM performs a write, stops at a named point
 * ({@link PausePoints}) and is killed there with SIGKILL; what it leaves is then read back. One
 * test per point: a checkpoint write, each step of replacing a model directory, and each step of a
 * registry promotion leave the previous checkpoint, model or champion loadable (or, after the last
 * step, the new one).
 */
@org.junit.jupiter.api.Timeout(value = 3, unit = TimeUnit.MINUTES,
        threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class NothingLostTest {
    private final HadoopConf hadoop = new HadoopConf(new Configuration());
    @TempDir
    Path tmp;

    @Test
    void killedWhileWritingACheckpointThePreviousOneLoads() throws Exception {
        String dir = tmp.resolve("ckpt").toString();
        CheckpointWriter.write(hadoop, dir, 1);
        killAt(PausePoints.DIRECTORY_WRITTEN, "checkpoint", dir, "2");
        Checkpoints.Loaded loaded = Checkpoints.latest(hadoop, dir);
        assertEquals(1, loaded.checkpoint().info().round());
        assertEquals(List.of(), loaded.damaged());
        CheckpointWriter.write(hadoop, dir, 2); // and the next write clears the dead one's temporary
        assertEquals(List.of("round-000001", "round-000002"), names(tmp.resolve("ckpt")));
    }

    @Test
    void killedAfterTheNewModelIsWrittenButNotRenamedTheOldOneLoads() throws Exception {
        assertModelAfterKill(PausePoints.DIRECTORY_WRITTEN, 1f);
    }

    @Test
    void killedWhileTheOldModelIsMovedAsideTheOldOneLoads() throws Exception {
        assertModelAfterKill(PausePoints.OLD_MOVED_ASIDE, 1f);
    }

    @Test
    void killedAfterTheNewModelIsRenamedInTheNewOneLoads() throws Exception {
        assertModelAfterKill(PausePoints.NEW_IN_PLACE, 2f);
    }

    @Test
    void killedWhileWritingTheChampionEntryThePreviousChampionStays() throws Exception {
        assertChampionAfterKill(PausePoints.ENTRY_WRITTEN, 1);
    }

    @Test
    void killedAfterTheChampionEntryButBeforeTheVersionIsPublishedThePreviousChampionStays() throws Exception {
        assertChampionAfterKill(PausePoints.ENTRY_PUBLISHED, 1);
    }

    @Test
    void killedAfterTheProvenanceIsWrittenThePreviousChampionStays() throws Exception {
        assertChampionAfterKill(PausePoints.PROVENANCE_WRITTEN, 1);
    }

    @Test
    void killedAfterTheVersionIsPublishedTheNewChampionLoads() throws Exception {
        assertChampionAfterKill(PausePoints.VERSION_PUBLISHED, 2);
    }

    private void assertModelAfterKill(String point, float expected) throws Exception {
        String dir = tmp.resolve("m").toString();
        CrashChild.main(new String[] {"model", dir, "1"});
        killAt(point, "model", dir, "2");
        assertEquals(expected, ModelDirectory.read(hadoop, dir).state().params()[0]);
    }

    private void assertChampionAfterKill(String point, int expected) throws Exception {
        String root = tmp.resolve("reg").toString();
        CrashChild.main(new String[] {"promote", root, "m", "1"});
        killAt(point, "promote", root, "m", "2");
        ModelRegistry registry = new ModelRegistry(hadoop, root, "m");
        assertEquals(expected, registry.champion().version());
        assertEquals(expected, ModelDirectory.read(hadoop, registry.versionDir(expected)).state().params()[0]);
    }

    /** Runs {@link CrashChild} with {@code args} until it reaches {@code point}, then kills it (SIGKILL). */
    private static void killAt(String point, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-Xmx256m", "-D" + PausePoints.PROPERTY + "=" + point, "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> seen = new ArrayList<>();
        boolean paused = false;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (String line; !paused && System.nanoTime() < deadline && (line = out.readLine()) != null; ) {
                seen.add(line);
                paused = line.equals("sparkcnn-paused " + point);
            }
            if (!paused) {
                fail("the child never reached " + point + ": " + seen);
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        assertFalse(seen.contains("sparkcnn-done"));
    }

    private static List<String> names(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
