package dev.sparkcnn.driver.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.CifarFormat;
import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.cli.Failures;
import dev.sparkcnn.driver.export.onnx.OnnxExporter;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.store.ModelDirectory;
import dev.sparkcnn.driver.store.SavedModel;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.model.Pool2d;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sparkcnn export} on bad input: exit 2, one message naming what is wrong, no file left behind. */
class ExportBadInputTest {
    @TempDir
    Path tmp;
    private Path modelDir;

    @BeforeEach
    void storeAnUntrainedModel() {
        DatasetSpec data = new DatasetSpec(3, 32, 32, CifarFormat.CIFAR10_CLASSES);
        ModelSpec spec = ModelSpec.of("simple-cnn", data, null, 1);
        try (Network network = NetworkFactory.create(spec, NetworkFactory.NATIVE)) {
            SavedModel model = new SavedModel(spec, NetworkFactory.NATIVE, data, Normalization.unit(3),
                    network.initialState());
            modelDir = tmp.resolve("model");
            ModelDirectory.write(new HadoopConf(new Configuration()), modelDir.toString(), false, model, "{}", "{}");
        }
    }

    @Test
    void unknownFormat() {
        Run r = export("--model-dir", modelDir.toString(), "--format", "tflite", "--out", out().toString());
        r.assertBadInput("--format: unknown format 'tflite'; choose from onnx, dl4j");
    }

    @Test
    void missingModelDirectory() {
        Run r = export("--model-dir", tmp.resolve("nope").toString(), "--format", "onnx", "--out", out().toString());
        r.assertBadInput("model.json: missing");
    }

    @Test
    void damagedState() throws Exception {
        Path state = modelDir.resolve(ModelDirectory.STATE);
        byte[] bytes = Files.readAllBytes(state);
        Files.write(state, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        for (String format : List.of("onnx", "dl4j")) {
            Run r = export("--model-dir", modelDir.toString(), "--format", format, "--out", out().toString());
            r.assertBadInput("state.bin");
        }
    }

    @Test
    void existingOutWithoutOverwriteIsKept() throws Exception {
        Files.writeString(out(), "keep me");
        Run r = export("--model-dir", modelDir.toString(), "--format", "onnx", "--out", out().toString());
        r.assertBadInput("--out " + out() + " exists; pass --overwrite to replace it");
        assertEquals("keep me", Files.readString(out()));
        Run again = export("--model-dir", modelDir.toString(), "--format", "onnx", "--out", out().toString(),
                "--overwrite");
        assertEquals(0, again.code, again.err);
        assertTrue(Files.size(out()) > 1000);
    }

    @Test
    void aLayerWithoutAnEmitterIsRefusedByIndexAndTypeAsBadInput() {
        OnnxExporter withoutPooling = new OnnxExporter(List.of(Pool2d.class));
        LayerRefused e = assertThrows(LayerRefused.class, () -> withoutPooling.build(read()));
        assertTrue(e.getMessage().startsWith("ONNX export: layer 1 (maxpool 2x2): ONNX export has no emitter for "
                + "layer type 'maxpool' (it exports Conv2d, GlobalAvgPool, BatchNorm"), e.getMessage());
        assertEquals(Failures.BAD_INPUT, Failures.report(e, new PrintStream(new ByteArrayOutputStream())));
    }

    private SavedModel read() {
        return ModelDirectory.read(new HadoopConf(new Configuration()), modelDir.toString());
    }

    private Path out() {
        return tmp.resolve("exported.bin");
    }

    private Run export(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = Stream.concat(Stream.of("export"), Stream.of(args)).toArray(String[]::new);
        int code = Main.run(all, new PrintStream(out), new PrintStream(err));
        return new Run(code, err.toString(StandardCharsets.UTF_8));
    }

    private record Run(int code, String err) {
        void assertBadInput(String fragment) {
            assertEquals(2, code, err);
            assertEquals(1, err.lines().count(), "one message: " + err);
            assertTrue(err.contains(fragment), err);
        }
    }

    @org.junit.jupiter.api.AfterEach
    void noPartialFile() throws Exception {
        try (Stream<Path> files = Files.list(tmp)) {
            List<String> temps = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
            assertEquals(List.of(), temps, "temporary files left behind");
        }
    }
}
