package dev.sparkcnn.driver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.CifarFormat;
import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.ModelState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {
    private final HadoopConf hadoop = new HadoopConf(new Configuration());

    @Test
    void stateFileRoundTripsAndDetectsDamage() {
        ModelState s = new ModelState(new float[] {1.5f, -2f, Float.MIN_VALUE}, new float[] {3f, 4f}, 17);
        byte[] bytes = StateFile.encode(s);
        assertEquals(s, StateFile.decode(bytes, "x"));

        byte[] flipped = bytes.clone();
        flipped[flipped.length - 12] ^= 1;
        assertTrue(assertThrows(InvalidDataException.class, () -> StateFile.decode(flipped, "x")).getMessage()
                .contains("checksum"));
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 4);
        assertTrue(assertThrows(InvalidDataException.class, () -> StateFile.decode(cut, "x")).getMessage()
                .contains("truncated"));
    }

    @Test
    void modelDirectoryRoundTripsAndIsReplacedOnlyWithOverwrite(@TempDir Path tmp) throws Exception {
        String dir = tmp.resolve("m").toString();
        SavedModel m = model(1f);
        ModelDirectory.write(hadoop, dir, false, m, "{\"a\":1}\n", "{}\n");
        SavedModel back = ModelDirectory.read(hadoop, dir);
        assertEquals(m.spec(), back.spec());
        assertEquals(m.state(), back.state());
        assertEquals(m.data(), back.data());

        assertThrows(ConfigException.class, () -> ModelDirectory.write(hadoop, dir, false, model(2f), "{}", "{}"));
        assertEquals(m.state(), ModelDirectory.read(hadoop, dir).state());
        ModelDirectory.write(hadoop, dir, true, model(2f), "{}", "{}");
        assertEquals(2f, ModelDirectory.read(hadoop, dir).state().params()[0]);
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(1, left.count(), "no temporary or old directories are left behind");
        }
    }

    @Test
    void missingFilesAreNamed(@TempDir Path tmp) {
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> ModelDirectory.read(hadoop, tmp.toString()));
        assertTrue(e.getMessage().contains("model.json"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }

    private static SavedModel model(float first) {
        ModelSpec spec = ModelSpec.of("cifar-cnn", CifarFormat.spec(CifarFormat.CIFAR10_CLASSES), null, 1);
        return new SavedModel(spec, "dl4j", CifarFormat.spec(CifarFormat.CIFAR10_CLASSES), Normalization.unit(3),
                new ModelState(new float[] {first, 2f}, new float[] {0f}, 3));
    }

    @Test
    void theWritableCheckLeavesNoDirectoryOrProbeBehind(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("existing"));
        AtomicDirectory.checkWritable(hadoop, tmp.resolve("a/b/c/model").toString(), false, "--out");
        AtomicDirectory.checkWritable(hadoop, tmp.resolve("existing/model").toString(), false, "--out");
        try (Stream<Path> left = Files.walk(tmp)) {
            assertEquals(java.util.List.of(tmp, tmp.resolve("existing")), left.sorted().toList());
        }
    }
}
