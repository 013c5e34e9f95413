package dev.sparkcnn.driver.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.sparkcnn.driver.TestData;
import dev.sparkcnn.driver.data.DatasetLocator;
import dev.sparkcnn.driver.fs.HadoopConf;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance 2 of issue 8: the same data gives the same fingerprint; one changed byte changes it. */
class DataFingerprintTest {
    @TempDir
    Path tmp;

    private final HadoopConf hadoop = new HadoopConf(new Configuration());

    @Test
    void sameBytesSameFingerprintOneChangedByteNamesItsFile() throws Exception {
        Path data = TestData.cifar(tmp.resolve("a"), 2, 20, 10);
        DataFingerprint first = fingerprint(data);
        assertEquals(Set.of("data_batch_1.bin", "data_batch_2.bin", "test_batch.bin"), first.files().keySet());
        assertEquals(20L * 3073, first.files().get("data_batch_1.bin").size());
        assertEquals(first, fingerprint(data), "hashing again gives the same fingerprint");

        // the same files elsewhere: names are relative to the dataset root, so the hash is the same
        Path copy = Files.createDirectories(tmp.resolve("b"));
        for (String f : first.files().keySet()) {
            Files.copy(data.resolve(f), copy.resolve(f));
        }
        Files.copy(data.resolve("batches.meta.txt"), copy.resolve("batches.meta.txt"));
        assertEquals(first.sha256(), fingerprint(copy).sha256());

        try (RandomAccessFile f = new RandomAccessFile(copy.resolve("data_batch_2.bin").toFile(), "rw")) {
            f.seek(5000);
            int b = f.read();
            f.seek(5000);
            f.write(b ^ 1);
        }
        DataFingerprint changed = fingerprint(copy);
        assertNotEquals(first.sha256(), changed.sha256());
        assertEquals(first.files().get("data_batch_1.bin"), changed.files().get("data_batch_1.bin"));
        assertEquals(Map.of("data_batch_2.bin", "content changed"), DataFingerprint.diff(first, changed));
    }

    private DataFingerprint fingerprint(Path dir) {
        return DataFingerprint.of(hadoop, dir.toString(), new DatasetLocator(hadoop).locate(dir.toString(), null));
    }
}
