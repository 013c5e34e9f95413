package dev.sparkcnn.driver.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.fs.HadoopConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names in a registry that look like ours but are not: ignored, never overflowing, never looping. */
class RegistryForeignNamesTest {
    @TempDir
    Path tmp;

    private final HadoopConf hadoop = new HadoopConf(new Configuration());

    @Test
    void anOutOfRangeVersionDirectoryIsIgnored() throws Exception {
        ModelRegistry registry = registry();
        int v1 = publishVersion(registry);
        Files.createDirectories(tmp.resolve("reg/m/v99999999999"));
        Files.createDirectories(tmp.resolve("reg/m/.claims/v99999999999"));
        assertEquals(List.of(v1), registry.versions());
        assertEquals(v1 + 1, publishVersion(registry));
        registry.promote(v1, "still works");
        assertEquals(v1, registry.champion().version());
    }

    @Test
    void aVersionAtTheIntLimitIsIgnoredAndTheNextNumberDoesNotOverflow() throws Exception {
        ModelRegistry registry = registry();
        Files.createDirectories(tmp.resolve("reg/m/v2147483647"));
        assertEquals(List.of(), registry.versions());
        assertEquals(1, publishVersion(registry));
    }

    @Test
    void exhaustedVersionNumbersAreRefused() throws Exception {
        ModelRegistry registry = registry();
        Files.createDirectories(tmp.resolve("reg/m/v" + RegistryNames.MAX_VERSION));
        assertEquals(List.of(RegistryNames.MAX_VERSION), registry.versions());
        ConfigException e = assertThrows(ConfigException.class, registry::claim);
        assertTrue(e.getMessage().contains("exhausted"), e.getMessage());
    }

    @Test
    void aHugeChampionEntryNameIsIgnoredSoPromotionsTakeEffect() throws Exception {
        ModelRegistry registry = registry();
        int v1 = publishVersion(registry);
        int v2 = publishVersion(registry);
        registry.promote(v1, "first");
        Files.writeString(tmp.resolve("reg/m/champion-9223372036854775807"), "{}");
        ChampionEntry e = registry.promote(v2, "second");
        assertEquals(v2, e.version());
        assertEquals(v2, registry.champion().version());
        assertEquals(List.of(1L, 2L), registry.history().stream().map(ChampionEntry::seq).toList());
    }

    @Test
    void aFullChampionHistoryIsRefusedNotReportedAsPromoted() throws Exception {
        ModelRegistry registry = registry();
        int v1 = publishVersion(registry);
        Files.writeString(tmp.resolve("reg/m/champion-" + RegistryNames.MAX_SEQ), "{}");
        ConfigException e = assertThrows(ConfigException.class, () -> registry.promote(v1, "x"));
        assertTrue(e.getMessage().contains("full"), e.getMessage());
    }

    @Test
    void aHugeRollbackTargetEndsAtOnce() throws Exception {
        ModelRegistry registry = registry();
        int v1 = publishVersion(registry);
        int v2 = publishVersion(registry);
        registry.promote(v1, "first");
        // a forged entry 2 that claims to roll back to an entry far in the future
        ChampionEntry forged = new ChampionEntry(2, v2, ChampionEntry.PROMOTE, "forged", Instant.now().toString(),
                "x", Long.MAX_VALUE);
        Files.writeString(tmp.resolve("reg/m/champion-000002"), Json.write(forged));
        assertEquals(v2, registry.champion().version());
        ChampionEntry back = assertTimeoutPreemptively(Duration.ofSeconds(10), registry::rollback);
        assertEquals(v1, back.version());

        // one that names itself (or nothing older) has nothing to roll back to
        ChampionEntry self = new ChampionEntry(4, v2, ChampionEntry.PROMOTE, "self", Instant.now().toString(),
                "x", 4);
        Files.writeString(tmp.resolve("reg/m/champion-000004"), Json.write(self));
        ChampionEntry again = assertTimeoutPreemptively(Duration.ofSeconds(10), registry::rollback);
        assertEquals(v1, again.version(), "the newest entry older than the champion's");
    }

    private ModelRegistry registry() {
        return new ModelRegistry(hadoop, tmp.resolve("reg").toString(), "m");
    }

    private int publishVersion(ModelRegistry registry) throws java.io.IOException {
        int v = registry.claim();
        Files.createDirectories(tmp.resolve("reg/m/.v" + v + ".staging"));
        registry.publish(v, Json.write(ModelRegistryTest.provenance(v)));
        return v;
    }
}
