package dev.sparkcnn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Data larger than the executors' storage memory, on two executor JVMs of 1 GB
 * ({@code local-cluster[2,1,1024]}): the storage region is shrunk ({@code spark.memory.fraction
 * 0.05}: 2 × 38 MB) so that 40,000 CIFAR-size images (124 MB serialized) do not fit, which is the
 * 600,000-image acceptance case (1.8 GB against 911 MB) at a size that trains in minutes. With
 * {@code memory-and-disk} the rest spills to local disk; with {@code none} nothing is kept; both
 * train their epoch without losing an executor.
 */
@Tag("cluster")
class StorageIT {
    private static final Path WORK = Checkout.HOME.resolve("cluster/target/it-storage");
    private static final Path DATA = WORK.resolve("data");
    private static final Pattern CACHED = Pattern.compile("cached records: ([0-9.]+) MB in memory, ([0-9.]+) MB on disk");

    @BeforeAll
    static void generate() throws Exception {
        Files.createDirectories(WORK);
        assertEquals(0, Processes.run(List.of(sparkcnn(), "data", "generate", "--out", DATA.toString(),
                "--overwrite", "--train-files", "4", "--records-per-file", "10000", "--test-records", "500"),
                Map.of(), WORK.resolve("data-generate.log"), Duration.ofSeconds(300)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory-and-disk", "none"})
    void trainsAnEpochOfDataLargerThanStorageMemory(String storage) throws Exception {
        Path log = WORK.resolve("train-" + storage + ".log");
        int code = Processes.run(List.of(sparkcnn(), "train", "--data", DATA.toString(), "--model", "simple-cnn",
                "--strategy", "parameter-averaging", "--partitions", "8", "--averaging-frequency", "50",
                "--epochs", "1", "--master", "local-cluster[2,1,1024]", "--storage", storage,
                "--conf", "spark.memory.fraction=0.05", "--out", WORK.resolve("model-" + storage).toString(),
                "--overwrite", "--no-report", "--checkpoint-every", "0"), Map.of(), log, Duration.ofMinutes(20));
        String out = Files.readString(log);
        assertEquals(0, code, () -> tail(log));
        assertTrue(out.contains("storage " + storage + ": 40,000 records x 3,094 bytes = 124 MB serialized; "
                + "2 executor(s) x 38 MB = 76 MB of storage memory"), out);
        assertFalse(out.contains("ExecutorLostFailure") || out.contains("OutOfMemoryError"), out);
        assertTrue(out.contains("model written to"), out);
        Matcher cached = CACHED.matcher(out);
        if (storage.equals("none")) {
            assertFalse(cached.find(), "storage none caches nothing:\n" + out);
        } else {
            assertTrue(out.contains("will spill to the executors' local disks"), out);
            assertTrue(cached.find(), out);
            double memory = Double.parseDouble(cached.group(1));
            double disk = Double.parseDouble(cached.group(2));
            assertTrue(memory <= 76 && disk > 0 && memory + disk >= 120, "memory " + memory + " MB, disk " + disk
                    + " MB: the records that do not fit spill to disk");
        }
    }

    private static String tail(Path log) {
        try {
            return Processes.tail(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static String sparkcnn() {
        return Checkout.HOME.resolve("bin/sparkcnn").toString();
    }
}
