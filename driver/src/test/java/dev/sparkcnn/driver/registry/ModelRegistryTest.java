package dev.sparkcnn.driver.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.fs.HadoopConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry's files without Spark: claims, publishing, champion compare-and-swap, crashes, rollback. */
class ModelRegistryTest {
    @TempDir
    Path tmp;

    private final HadoopConf hadoop = new HadoopConf(new Configuration());

    @AfterEach
    void resetHook() {
        ChampionHistory.beforePublish = () -> { };
    }

    @Test
    void aCrashBetweenWritingTheNewPointerAndPublishingItLeavesThePreviousChampion() throws Exception {
        ModelRegistry registry = registry();
        int v1 = publishVersion(registry);
        int v2 = publishVersion(registry);
        registry.promote(v1, "first");
        ChampionHistory.beforePublish = () -> {
            throw new IllegalStateException("injected crash before the rename");
        };
        assertThrows(IllegalStateException.class, () -> registry.promote(v2, "second"));
        assertEquals(v1, registry.champion().version());
        assertEquals(Set.of("champion-000001"), names("champion-"), "no entry written");

        // a process killed while writing leaves, at worst, a hidden temp file or a torn entry: both ignored
        ChampionHistory.beforePublish = () -> { };
        Files.writeString(tmp.resolve("reg/m/.champion-000002.tmp-dead"), "{\"seq\": 2, \"vers");
        Files.writeString(tmp.resolve("reg/m/champion-000002"), "{\"seq\": 2, \"vers");
        assertEquals(v1, registry.champion().version());
        registry.promote(v2, "after the crash");
        assertEquals(v2, registry.champion().version());
        assertEquals(List.of(1L, 3L), registry.history().stream().map(ChampionEntry::seq).toList());
    }

    @Test
    void compareAndSwapRefusesAWriterWhoseViewIsOutdated() {
        ModelRegistry registry = registry();
        int v1 = publishVersion(registry);
        int v2 = publishVersion(registry);
        ChampionHistory.State before = registry.championState();
        assertTrue(registry.promote(before, v1, "first writer"));
        assertFalse(registry.promote(before, v2, "second writer, same view"));
        assertEquals(v1, registry.champion().version());
        assertTrue(registry.promote(registry.championState(), v2, "second writer, fresh view"));
        assertEquals(v2, registry.champion().version());
    }

    @Test
    void rollbackWalksBackThroughTheHistory() {
        ModelRegistry registry = registry();
        for (int i = 0; i < 3; i++) {
            registry.promote(publishVersion(registry), "promote " + i);
        }
        assertEquals(2, registry.rollback().version());
        assertEquals(1, registry.rollback().version(), "a second rollback goes further back, not back to v3");
        assertEquals(1, registry.champion().version());
        ConfigException none = assertThrows(ConfigException.class, registry::rollback);
        assertTrue(none.getMessage().contains("nothing to roll back"), none.getMessage());
        assertEquals(3, registry.promote(3, "by hand").version());
        assertEquals(1, registry.rollback().version());
        assertEquals(7, registry.history().size(), "3 promotions, 2 rollbacks, 1 promotion, 1 rollback");
    }

    @Test
    void concurrentWritersGetDistinctVersionsAndAConsistentChampion() throws Exception {
        ModelRegistry registry = registry();
        int writers = 6;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<int[]>> results = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            results.add(pool.submit(() -> {
                // a separate registry object per writer: nothing shared but the files
                ModelRegistry mine = registry();
                start.await();
                ChampionHistory.State seen = mine.championState();
                int v = mine.claim();
                Files.createDirectories(tmp.resolve("reg/m/.v" + v + ".staging"));
                boolean promoted = mine.promoteStaged(seen, v, "writer");
                mine.publish(v, Json.write(provenance(v)));
                return new int[] {v, promoted ? 1 : 0};
            }));
        }
        start.countDown();
        Set<Integer> versions = new HashSet<>();
        int promoted = 0;
        for (Future<int[]> f : results) {
            int[] r = f.get();
            versions.add(r[0]);
            promoted += r[1];
        }
        pool.shutdown();
        assertEquals(writers, versions.size(), "distinct version numbers");
        assertEquals(versions, Set.copyOf(registry.versions()));
        assertTrue(promoted >= 1, "at least the first writer promotes");
        assertEquals(promoted, registry.history().size(), "exactly the successful swaps are in the history");
        ChampionEntry champion = registry.champion();
        assertNotNull(champion);
        assertTrue(Files.isRegularFile(tmp.resolve("reg/m/v" + champion.version() + "/" + Provenance.FILE)));
        assertEquals(Set.of(), names(".v"), "no staging directory left");
    }

    @Test
    void aStaleClaimIsTakenOverWithItsNumberLeftUnused() throws Exception {
        ModelRegistry registry = registry();
        int crashed = registry.claim();
        Path staging = Files.createDirectories(tmp.resolve("reg/m/.v" + crashed + ".staging"));
        Path halfWritten = Files.createDirectories(tmp.resolve("reg/m/..v" + crashed + ".staging.tmp-1234abcd"));
        assertEquals(List.of(), registry.staleClaims(Instant.now()), "a fresh claim is alive");
        hadoop.fileSystem(tmp.toString()).setTimes(new org.apache.hadoop.fs.Path(tmp.resolve("reg/m/.claims/v"
                + crashed).toString()), Instant.now().minus(ModelRegistry.STALE_AFTER).toEpochMilli() - 1000, -1);
        List<ModelRegistry.Claim> stale = registry.staleClaims(Instant.now());
        assertEquals(1, stale.size());
        assertEquals(ModelRegistry.owner(), stale.get(0).owner());
        assertEquals(crashed + 1, registry.claim());
        assertFalse(Files.exists(staging), "the crashed run's staging directory was removed");
        assertFalse(Files.exists(halfWritten), "and its half-written model directory");
        assertTrue(Files.exists(tmp.resolve("reg/m/.claims/v" + crashed)), "the number stays taken");
        assertEquals(List.of(), registry.staleClaims(Instant.now()), "taken over once, not at every run");
        assertEquals(crashed + 2, registry.claim());
    }

    @Test
    void badNamesAndMissingVersionsAreUsageErrors() {
        assertThrows(ConfigException.class, () -> new ModelRegistry(hadoop, tmp.toString(), "../escape"));
        ConfigException missing = assertThrows(ConfigException.class, () -> registry().promote(4, "x"));
        assertTrue(missing.getMessage().contains("no version v4"), missing.getMessage());
        assertNull(registry().champion());
    }

    private ModelRegistry registry() {
        return new ModelRegistry(hadoop, tmp.resolve("reg").toString(), "m");
    }

    /** A version as the registry sees one: a published directory with its provenance. */
    private int publishVersion(ModelRegistry registry) {
        try {
            int v = registry.claim();
            Files.createDirectories(tmp.resolve("reg/m/.v" + v + ".staging"));
            registry.publish(v, Json.write(provenance(v)));
            return v;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Provenance provenance(int v) {
        return new Provenance("m", v, null, Provenance.FROM_SCRATCH, null, 0.001, 0.001, 42,
                new DataFingerprint("d", "0", Map.of()), "test", "3.5.9", "local", "t0", "t1",
                new Provenance.Decision(Provenance.Decision.PROMOTED, "test", 0.5, null, null, 0.0));
    }

    private Set<String> names(String prefix) throws java.io.IOException {
        try (Stream<Path> files = Files.list(tmp.resolve("reg/m"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix))
                    .collect(Collectors.toSet());
        }
    }
}
