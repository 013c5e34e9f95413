package dev.sparkcnn.driver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkcnn.datasets.CifarFormat;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --overwrite replaces only directories this program wrote; --resume never takes its output from a checkpoint. */
class OverwriteAndResumeTest {
    private final HadoopConf hadoop = new HadoopConf(new Configuration());
    @TempDir
    Path tmp;

    @Test
    void overwriteRefusesADirectoryThatIsNotAModelDirectoryAndKeepsIt() throws Exception {
        Path foreign = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(foreign.resolve("holiday.jpg"), "precious");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ModelDirectory.write(hadoop, foreign.toString(), true, model(), "{}", "{}"));
        assertTrue(e.getMessage().contains(foreign.toString()) && e.getMessage().contains("model.json"),
                e.getMessage());
        assertEquals("precious", Files.readString(foreign.resolve("holiday.jpg")));
        assertThrows(ConfigException.class, () -> ModelDirectory.checkWritable(hadoop, foreign.toString(), true));

        Path models = tmp.resolve("m");
        ModelDirectory.write(hadoop, models.toString(), false, model(), "{}", "{}");
        ModelDirectory.checkWritable(hadoop, models.toString(), true);
        ModelDirectory.write(hadoop, models.toString(), true, model(), "{}", "{}");
        assertTrue(Files.isRegularFile(models.resolve(ModelDirectory.MODEL)));
    }

    @Test
    void resumeWithoutOutIsRefusedAndWhatTheCheckpointNamesIsKept() throws Exception {
        Path victim = Files.createDirectories(tmp.resolve("victim"));
        Files.writeString(victim.resolve("thesis.tex"), "precious");
        String dir = tmp.resolve("ckpt").toString();
        String path = Checkpoints.write(hadoop, dir, CheckpointsTest.checkpoint(1));
        // an edited checkpoint (with a matching checksum) that names another directory, with overwrite
        Path json = Path.of(new org.apache.hadoop.fs.Path(path).toUri().getPath(), Checkpoints.INFO);
        ObjectNode info = (ObjectNode) Json.MAPPER.readTree(Files.readString(json));
        ((ObjectNode) info.get("config")).put("out", victim.toString()).put("overwrite", true);
        byte[] edited = Json.write(info).getBytes(StandardCharsets.UTF_8);
        Files.write(json, edited);
        Files.writeString(json.resolveSibling(Checkpoints.INFO_SUM), InfoChecksum.line(edited));

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"train", "--resume", dir, "--conf", "spark.ui.enabled=false"},
                new PrintStream(new ByteArrayOutputStream(), true), new PrintStream(err, true));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, printed);
        assertTrue(printed.contains("--resume needs --out") && printed.contains(victim.toString()), printed);
        assertEquals("precious", Files.readString(victim.resolve("thesis.tex")));
    }

    private static SavedModel model() {
        ModelSpec spec = ModelSpec.of("cifar-cnn", CifarFormat.spec(CifarFormat.CIFAR10_CLASSES), null, 1);
        return new SavedModel(spec, "native", CifarFormat.spec(CifarFormat.CIFAR10_CLASSES), Normalization.unit(3),
                new ModelState(new float[] {1f, 2f}, new float[] {0f}, 3));
    }
}
