package dev.sparkcnn.driver.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.CifarFormat;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.config.TrainingConfig;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.fuzz.FuzzRunner;
import dev.sparkcnn.driver.fuzz.Mutator;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.ModelState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated {@code model.json}, {@code config.json}, {@code checkpoint.json} and {@code state.bin}
 * (seeded, at least {@value #INPUTS} each, every input under a time-out) load or fail with the
 * project's own clear error. Runs in its own surefire execution with a 256 MB heap, so a size
 * taken from a file and allocated unchecked shows up as an OutOfMemoryError.
 */
@Tag("fuzz")
class StoreFilesFuzzTest {
    private static final int INPUTS = 1000;
    private static final long SEED = 20261206L;
    private final HadoopConf hadoop = new HadoopConf(new Configuration());
    @TempDir
    Path tmp;

    @Test
    void modelJson() throws Exception {
        String dir = modelDirectory();
        Path file = tmp.resolve("m/" + ModelDirectory.MODEL);
        byte[] seed = Files.readAllBytes(file);
        Mutator mutator = new Mutator(SEED);
        FuzzRunner.Result r = FuzzRunner.run("model.json", INPUTS, i -> i == 0 ? seed : mutator.json(seed), input -> {
            Files.write(file, input);
            ModelDirectory.read(hadoop, dir);
        });
        assertTrue(r.loaded() > 0 && r.refused() > 0, r.toString());
    }

    @Test
    void stateBin() throws Exception {
        String dir = modelDirectory();
        Path file = tmp.resolve("m/" + ModelDirectory.STATE);
        byte[] seed = Files.readAllBytes(file);
        Mutator mutator = new Mutator(SEED + 1);
        FuzzRunner.Result r = FuzzRunner.run("state.bin", INPUTS,
                i -> i == 0 ? seed : i % 2 == 0 ? withCrc(mutator.bytes(seed)) : mutator.bytes(seed), input -> {
            Files.write(file, input);
            ModelDirectory.read(hadoop, dir);
            StateFile.decode(input, "state.bin");
        });
        assertTrue(r.loaded() > 0 && r.refused() > 0, r.toString());
    }

    @Test
    void configJson() throws Exception {
        String dir = modelDirectory();
        Path file = tmp.resolve("m/" + ModelDirectory.CONFIG);
        byte[] seed = Files.readAllBytes(file);
        Mutator mutator = new Mutator(SEED + 2);
        FuzzRunner.Result r = FuzzRunner.run("config.json", INPUTS, i -> i == 0 ? seed : mutator.json(seed),
                input -> {
                    Files.write(file, input);
                    String text = ModelDirectory.readConfig(hadoop, dir).toString();
                    Json.read(text, TrainingConfig.class, file.toString());
                });
        assertTrue(r.loaded() > 0 && r.refused() > 0, r.toString());
    }

    /** Half the inputs come with a matching checksum file, so the JSON reader itself is exercised. */
    @Test
    void checkpointJson() throws Exception {
        String dir = tmp.resolve("ckpt").toString();
        String path = Checkpoints.write(hadoop, dir, CheckpointsTest.checkpoint(3));
        Path file = tmp.resolve("ckpt/round-000003/" + Checkpoints.INFO);
        Path sum = tmp.resolve("ckpt/round-000003/" + Checkpoints.INFO_SUM);
        byte[] seed = Files.readAllBytes(file);
        Mutator mutator = new Mutator(SEED + 3);
        FuzzRunner.Result r = FuzzRunner.run("checkpoint.json", INPUTS, i -> i == 0 ? seed : mutator.json(seed),
                input -> {
                    Files.write(file, input);
                    Files.writeString(sum, input.length % 2 == 0 ? InfoChecksum.line(input)
                            : InfoChecksum.line(seed));
                    Checkpoints.read(hadoop, path);
                });
        assertTrue(r.loaded() > 0 && r.refused() > 0, r.toString());
    }

    /** A model directory with a real config.json (a checkpoint's configuration) and a small state. */
    private String modelDirectory() {
        String dir = tmp.resolve("m").toString();
        ModelSpec spec = ModelSpec.of("cifar-cnn", CifarFormat.spec(CifarFormat.CIFAR10_CLASSES), null, 1);
        float[] params = new float[257];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) Math.sin(i);
        }
        SavedModel model = new SavedModel(spec, "native", CifarFormat.spec(CifarFormat.CIFAR10_CLASSES),
                Normalization.unit(3), new ModelState(params, new float[] {0.5f, 0.25f}, 11));
        String config = Json.write(CheckpointsTest.checkpoint(1).info().config());
        ModelDirectory.write(hadoop, dir, false, model, config, "{}\n");
        return dir;
    }

    /** {@code bytes} with its last 8 bytes replaced by the CRC-32 of the rest, so the header gets read. */
    private static byte[] withCrc(byte[] bytes) {
        if (bytes.length < 8) {
            return bytes;
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        java.nio.ByteBuffer.wrap(bytes, bytes.length - 8, 8).putLong(crc.getValue());
        return bytes;
    }
}
