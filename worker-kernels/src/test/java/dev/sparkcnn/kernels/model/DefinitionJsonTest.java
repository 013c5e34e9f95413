package dev.sparkcnn.kernels.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkcnn.kernels.optim.Optimizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Definition files: every catalogue model and a definition using every layer type and field
 * round-trip exactly; every kind of bad input is one message naming the file, the layer and the field.
 */
class DefinitionJsonTest {

    private static final String CONV = "{\"type\": \"conv2d\", \"filters\": 8, \"kernel\": 3}";
    private static final String OUT = "{\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}";

    @Test
    void catalogueDefinitionsRoundTrip() {
        for (String name : ModelCatalogue.names()) {
            NetworkDefinition d = ModelCatalogue.definition(name);
            NetworkDefinition again = DefinitionReader.read(DefinitionWriter.write(d), "again.json", "other");
            assertEquals(d, again, name);
            assertEquals(DefinitionWriter.write(d), DefinitionWriter.write(again), name);
        }
    }

    @Test
    void everyLayerTypeAndFieldRoundTrips(@TempDir Path dir) throws Exception {
        List<LayerSpec> blockLayers = List.of(new Conv2d(8, 3, 2, Padding.of(1), false, Activation.IDENTITY),
                new BatchNorm(0.99, 1e-3), new ActivationLayer(Activation.LEAKY_RELU),
                new Conv2d(8, 3, 1, Padding.SAME, false, Activation.ELU));
        NetworkDefinition d = new NetworkDefinition("everything", "all layer types", Shape.image(3, 16, 16),
                WeightInit.XAVIER_UNIFORM, new TrainingDefaults(Optimizer.NESTEROVS, 0.05, 16, 0.5f, 0.25f),
                List.of(new Conv2d(4, 5, 1, Padding.SAME, true, Activation.TANH),
                        new Pool2d(false, 3, 1, Padding.of(1)), new Residual(blockLayers, true, 2, Activation.RELU),
                        new Residual(List.of(new Dropout(0.1)), false, 1, Activation.SIGMOID),
                        new Pool2d(true, 2, 2, Padding.VALID), new GlobalAvgPool(), new Flatten(),
                        new Dense(7, Activation.RELU, false), new Dense(Dense.CLASSES, Activation.SOFTMAX, true)),
                "x");
        Path file = dir.resolve("everything.json");
        Files.writeString(file, DefinitionWriter.write(d));
        NetworkDefinition read = DefinitionReader.read(file);
        assertEquals(d, read);
        assertEquals(file.toString(), read.source());
        List<NetworkSummary.Row> rows = read.summary(Shape.image(3, 16, 16), 3).rows();
        assertEquals("2.0 8x8x8, 2 8x8x8, 4 8x4x4, 5 8", String.join(", ", rows.stream()
                .filter(r -> List.of("2.0", "2", "4", "5").contains(r.index()))
                .map(r -> r.index() + " " + r.output()).toList()));
    }

    @Test
    void theDocumentedExampleIsAValidDefinition() throws Exception {
        String docs = Files.readString(Path.of("../docs/models.md"));
        int from = docs.indexOf("```json\n") + "```json\n".length();
        NetworkDefinition d = DefinitionReader.read(docs.substring(from, docs.indexOf("```", from)), "docs/models.md",
                "x");
        assertEquals("my-net", d.name());
        assertEquals(15_146, d.summary(Shape.image(1, 28, 28), 10).trainable());
    }

    @Test
    void optionalFieldsTakeTheirDefaults() {
        NetworkDefinition d = DefinitionReader.read("{\"layers\": [" + CONV + ", {\"type\": \"maxpool\", \"size\": 2},"
                + OUT + "]}", "min.json", "min");
        assertEquals("min", d.name());
        assertEquals(new Conv2d(8, 3, 1, Padding.VALID, true, Activation.IDENTITY), d.layers().get(0));
        assertEquals(new Pool2d(true, 2, 2, Padding.VALID), d.layers().get(1));
        assertEquals(TrainingDefaults.STANDARD, d.defaults());
        assertEquals(WeightInit.UNIFORM, d.weightInit());
        assertEquals(null, d.input());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown layer type   | {"type": "conv3d", "filters": 8}                        | bad.json: layer 0 (conv3d), field 'type': 'conv3d' is not a layer type; use one of conv2d, maxpool, avgpool, globalavgpool, batchnorm, dropout, flatten, dense, activation, residual
            unknown field        | {"type": "conv2d", "filters": 8, "kernel": 3, "dilation": 2} | bad.json: layer 0 (conv2d), field 'dilation': is not a field here; the fields are type, filters, kernel, stride, padding, bias, activation
            missing field        | {"type": "conv2d", "filters": 8}                        | bad.json: layer 0 (conv2d), field 'kernel': is missing
            missing type         | {"filters": 8}                                          | bad.json: layer 0, field 'type': is missing; use one of conv2d, maxpool, avgpool, globalavgpool, batchnorm, dropout, flatten, dense, activation, residual
            zero filters         | {"type": "conv2d", "filters": 0, "kernel": 3}           | bad.json: layer 0 (conv2d), field 'filters': must be a positive integer, got 0
            negative kernel      | {"type": "conv2d", "filters": 8, "kernel": -3}          | bad.json: layer 0 (conv2d), field 'kernel': must be a positive integer, got -3
            zero stride          | {"type": "conv2d", "filters": 8, "kernel": 3, "stride": 0} | bad.json: layer 0 (conv2d), field 'stride': must be a positive integer, got 0
            zero pool stride     | {"type": "maxpool", "size": 2, "stride": 0}             | bad.json: layer 0 (maxpool), field 'stride': must be a positive integer, got 0
            zero units           | {"type": "dense", "units": 0}                           | bad.json: layer 0 (dense), field 'units': must be a positive integer, got 0
            fractional units     | {"type": "dense", "units": 2.5}                         | bad.json: layer 0 (dense), field 'units': must be an integer, got 2.5
            bad padding          | {"type": "conv2d", "filters": 8, "kernel": 3, "padding": "full"} | bad.json: layer 0 (conv2d), field 'padding': must be "same", "valid" or a number of pixels >= 0, got "full"
            bad activation       | {"type": "activation", "function": "gelu"}              | bad.json: layer 0 (activation), field 'function': 'gelu' is not an activation; use one of identity, relu, leaky_relu, elu, sigmoid, tanh, softmax
            dropout rate         | {"type": "dropout", "rate": 1.5}                        | bad.json: layer 0 (dropout), field 'rate': must be in [0, 1), got 1.5
            inner layer          | {"type": "residual", "layers": [{"type": "conv2d", "kernel": 3}], "shortcut": "identity"} | bad.json: layer 0.0 (conv2d), field 'filters': is missing
            bad shortcut         | {"type": "residual", "layers": [{"type": "flatten"}], "shortcut": "skip"} | bad.json: layer 0 (residual), field 'shortcut': must be "identity" or {"type": "projection", "stride": N}, got 'skip'
            """)
    void badLayersAreOneMessageNamingFileLayerAndField(String what, String layer, String message) {
        DefinitionException e = assertThrows(DefinitionException.class,
                () -> DefinitionReader.read("{\"layers\": [" + layer + ", " + OUT + "]}", "bad.json", "bad"));
        assertEquals(message, e.getMessage(), what);
    }

    @Test
    void badFilesAndTopLevelFields() {
        assertTrue(read("{\"layers\": [" + OUT + "],").getMessage().startsWith("bad.json: not a JSON model definition: "));
        assertEquals("bad.json: a model definition is a JSON object with a \"layers\" array", read("[1, 2]").getMessage());
        assertEquals("bad.json: definition, field 'layers': is missing", read("{\"name\": \"x\"}").getMessage());
        assertEquals("bad.json: definition, field 'colour': is not a field here; the fields are name, description, "
                + "input, weightInit, defaults, layers", read("{\"colour\": 1, \"layers\": [" + OUT + "]}").getMessage());
        assertEquals("bad.json: definition, field 'input': must be positive, got [3, 0, 32]",
                read("{\"input\": [3, 0, 32], \"layers\": [" + OUT + "]}").getMessage());
        assertEquals("bad.json: definition, defaults, field 'optimizer': unknown optimizer 'adagrad'; use one of adam, "
                + "nesterovs, sgd", read("{\"defaults\": {\"optimizer\": \"adagrad\"}, \"layers\": [" + OUT + "]}")
                .getMessage());
        assertEquals("bad.json: definition, defaults, field 'batchSize': must be a positive integer, got 0",
                read("{\"defaults\": {\"batchSize\": 0}, \"layers\": [" + OUT + "]}").getMessage());
        assertEquals("bad.json: layers: a network needs at least one layer", read("{\"layers\": []}").getMessage());
        assertTrue(read("{\"layers\": [" + OUT + "], \"layers\": []}").getMessage().contains("Duplicate field"));
    }

    @Test
    void modelSpecJsonCarriesTheDefinitionAndReadsTheOldForm() throws Exception {
        ObjectMapper json = new ObjectMapper();
        NetworkDefinition custom = DefinitionReader.read("{\"layers\": [" + CONV + ", " + OUT + "]}", "c.json", "c");
        ModelSpec spec = new ModelSpec(custom, 1, 8, 8, 3, 0.01, 5, "sgd");
        String text = json.writeValueAsString(spec);
        assertTrue(text.contains("\"model\":\"c\"") && text.contains("\"network\":{"), text);
        assertEquals(spec, json.readValue(text, ModelSpec.class));
        // model.json as written before definitions existed: the name is looked up in the catalogue
        String old = "{\"model\": \"simple-cnn\", \"channels\": 3, \"height\": 32, \"width\": 32, \"numClasses\": 10, "
                + "\"learningRate\": 0.01, \"seed\": 42, \"optimizer\": null}";
        assertEquals(new ModelSpec("simple-cnn", 3, 32, 32, 10, 0.01, 42), json.readValue(old, ModelSpec.class));
    }

    private static DefinitionException read(String text) {
        return assertThrows(DefinitionException.class, () -> DefinitionReader.read(text, "bad.json", "bad"));
    }
}
