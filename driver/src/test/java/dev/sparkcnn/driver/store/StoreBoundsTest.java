package dev.sparkcnn.driver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkcnn.datasets.CifarFormat;
import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.ModelState;
import java.io.DataOutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sizes declared by model.json, state.bin and checkpoint.json are bounded before anything is allocated. */
class StoreBoundsTest {
    private static final long THREE_GB = 3L << 30;
    private final HadoopConf hadoop = new HadoopConf(new Configuration());
    @TempDir
    Path tmp;

    @Test
    void aThreeGigabyteStateFileIsADamagedCheckpointNotAnOutOfMemoryError() throws Exception {
        String dir = tmp.resolve("ckpt").toString();
        Checkpoints.write(hadoop, dir, CheckpointsTest.checkpoint(1));
        Checkpoints.write(hadoop, dir, CheckpointsTest.checkpoint(2));
        hugeStateFile(tmp.resolve("ckpt/round-000002/" + Checkpoints.STATE));

        Checkpoints.Loaded loaded = Checkpoints.latest(hadoop, dir);
        assertEquals(1, loaded.checkpoint().info().round(), "fell back to the older checkpoint");
        assertTrue(loaded.damaged().get(0).contains(Checkpoints.STATE), loaded.damaged().get(0));
    }

    @Test
    void aThreeGigabyteStateFileInAModelDirectoryIsRefusedNamingIt() throws Exception {
        String dir = tmp.resolve("m").toString();
        ModelDirectory.write(hadoop, dir, false, model(), "{}", "{}");
        hugeStateFile(tmp.resolve("m/" + ModelDirectory.STATE));
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> ModelDirectory.read(hadoop, dir));
        assertTrue(e.getMessage().contains(ModelDirectory.STATE) && e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    void twentyMillionClassesInModelJsonAreRefusedNamingTheField() throws Exception {
        String dir = tmp.resolve("m").toString();
        ModelDirectory.write(hadoop, dir, false, model(), "{}", "{}");
        Path modelJson = tmp.resolve("m/" + ModelDirectory.MODEL);
        ObjectNode info = (ObjectNode) Json.MAPPER.readTree(Files.readString(modelJson));
        ((ObjectNode) info.get("spec")).put("numClasses", 20_000_000);
        Files.writeString(modelJson, info.toString());
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> ModelDirectory.read(hadoop, dir));
        assertTrue(e.getMessage().contains("model.json") && e.getMessage().contains("spec.numClasses"),
                e.getMessage());

        ((ObjectNode) info.get("spec")).put("numClasses", 10);
        ((ObjectNode) info.get("spec")).put("height", 1_000_000);
        Files.writeString(modelJson, info.toString());
        e = assertThrows(InvalidDataException.class, () -> ModelDirectory.read(hadoop, dir));
        assertTrue(e.getMessage().contains("spec.height"), e.getMessage());
    }

    @Test
    void aHugeJsonFileIsRefusedBeforeItIsRead() throws Exception {
        String dir = tmp.resolve("m").toString();
        ModelDirectory.write(hadoop, dir, false, model(), "{}", "{}");
        try (RandomAccessFile f = new RandomAccessFile(tmp.resolve("m/" + ModelDirectory.MODEL).toFile(), "rw")) {
            f.setLength(THREE_GB);
        }
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> ModelDirectory.read(hadoop, dir));
        assertTrue(e.getMessage().contains(ModelDirectory.MODEL), e.getMessage());
    }

    @Test
    void anEditedCheckpointJsonFailsItsChecksumAndAnOldOneWithoutChecksumLoads() throws Exception {
        String dir = tmp.resolve("ckpt").toString();
        Checkpoints.write(hadoop, dir, CheckpointsTest.checkpoint(1));
        Checkpoints.write(hadoop, dir, CheckpointsTest.checkpoint(2));
        Path json = tmp.resolve("ckpt/round-000002/" + Checkpoints.INFO);
        Files.writeString(json, Files.readString(json).replace("\"models/old\"", "\"models/other\""));
        Checkpoints.Loaded loaded = Checkpoints.latest(hadoop, dir);
        assertEquals(1, loaded.checkpoint().info().round());
        assertTrue(loaded.damaged().get(0).contains("SHA-256"), loaded.damaged().get(0));

        Files.delete(tmp.resolve("ckpt/round-000002/" + Checkpoints.INFO_SUM));
        assertEquals(2, Checkpoints.latest(hadoop, dir).checkpoint().info().round(),
                "a checkpoint of an older build (no checksum file) loads, with a warning");
    }

    /** A sparse 3 GB state.bin whose header agrees with its length. */
    private static void hugeStateFile(Path file) throws Exception {
        long values = (THREE_GB - 36) / 4;
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.write("SPARKCNN".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.writeInt(1);
            out.writeInt((int) (values - 1));
            out.writeInt(1);
            out.writeLong(0);
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(THREE_GB);
        }
    }

    private static SavedModel model() {
        ModelSpec spec = ModelSpec.of("cifar-cnn", CifarFormat.spec(CifarFormat.CIFAR10_CLASSES), null, 1);
        return new SavedModel(spec, "dl4j", CifarFormat.spec(CifarFormat.CIFAR10_CLASSES), Normalization.unit(3),
                new ModelState(new float[] {1f, 2f}, new float[] {0f}, 3));
    }
}
