package dev.sparkcnn.kernels.model.keras;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkcnn.datasets.UsageException;
import dev.sparkcnn.kernels.model.DefinitionException;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the Keras import refuses: each a {@link DefinitionException} (a usage error, exit 2) whose
 * message names the file, the Keras layer's index, class and name, and the field. The inputs are the
 * generated fixtures with one thing changed.
 */
class KerasBadInputTest {

    private static final String MNIST = "mnist_convnet.json";
    private static final String RESNET = "resnet_mini.json";

    @Test
    void anUnsupportedLayerClassIsRefusedNamingItsIndexClassAndField() {
        refused(MNIST, layers -> layer(layers, 1).put("class_name", "LSTM"),
                "Keras layer 1 (LSTM 'conv2d_Conv2D4'), field 'class_name'", "is not imported");
    }

    @Test
    void aDilatedConvolutionIsRefused() {
        refused(MNIST, layers -> config(layers, 3).putArray("dilation_rate").add(2).add(2),
                "Keras layer 3 (Conv2D 'conv2d_Conv2D5'), field 'dilation_rate'", "no dilated convolutions");
    }

    @Test
    void channelsFirstIsRefused() {
        refused(MNIST, layers -> config(layers, 2).put("data_format", "channels_first"),
                "Keras layer 2 (MaxPooling2D 'max_pooling2d_MaxPooling2D3'), field 'data_format'", "channels_last");
    }

    @Test
    void aMissingFieldIsRefused() {
        refused(MNIST, layers -> config(layers, 1).remove("filters"),
                "Keras layer 1 (Conv2D 'conv2d_Conv2D4'), field 'filters'", "is missing");
    }

    @Test
    void anOptionSparkcnnDoesNotImportIsRefusedByName() {
        refused(MNIST, layers -> config(layers, 7).putObject("kernel_regularizer").put("class_name", "L2"),
                "Keras layer 7 (Dense 'dense_Dense3'), field 'kernel_regularizer'", "does not import");
    }

    @Test
    void aNonSquareKernelIsRefused() {
        refused(MNIST, layers -> config(layers, 1).putArray("kernel_size").add(3).add(5),
                "Keras layer 1 (Conv2D 'conv2d_Conv2D4'), field 'kernel_size'", "must be square");
    }

    @Test
    void aModelNotEndingInSoftmaxIsRefused() {
        refused(MNIST, layers -> config(layers, 7).put("activation", "relu"),
                "Keras layer 7 (Dense 'dense_Dense3'), field 'activation'", "softmax");
    }

    @Test
    void aDenseOnAnImageIsRefused() {
        refused(MNIST, layers -> {
            layers.remove(6);
            layers.remove(5);
        }, "Keras layer 5 (Dense 'dense_Dense3')", "Flatten");
    }

    @Test
    void aProjectionShortcutWithBiasIsRefused() {
        refused(RESNET, layers -> config(layers, 15).put("use_bias", true),
                "Keras layer 15 (Conv2D 'conv2d_Conv2D17'), field 'use_bias'", "no bias");
    }

    @Test
    void aBatchNormalizationWithoutItsShiftIsRefused() {
        refused(RESNET, layers -> config(layers, 17).put("center", false),
                "Keras layer 17 (BatchNormalization 'batch_normalization_BatchNormalization9'), field 'center'",
                "sparkcnn imports only center = true");
    }

    @Test
    void aGraphThatIsNotChainsAndResidualBlocksIsRefusedNamingTheLayer() {
        // the GlobalAveragePooling2D also reads the block's input: the activation at 10 feeds three layers
        refused(RESNET, layers -> ((ArrayNode) layers.get(20).get("inbound_nodes").get(0).get(0)).set(0,
                        layers.get(10).get("name")),
                "Keras layer 10 (Activation 'activation_Activation3')", "feeds 3 layers");
    }

    @Test
    void aFileThatIsNotJsonIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("model.json");
        Files.writeString(file, "model = Sequential()\n");
        DefinitionException e = assertThrows(DefinitionException.class,
                () -> ModelCatalogue.definition("keras:" + file));
        assertTrue(e.getMessage().startsWith(file + ": not a Keras model JSON file"), e.getMessage());
    }

    @Test
    void aMissingFileIsRefusedNamingIt(@TempDir Path dir) {
        Path file = dir.resolve("absent.json");
        DefinitionException e = assertThrows(DefinitionException.class,
                () -> ModelCatalogue.definition("keras:" + file));
        assertTrue(e.getMessage().startsWith(file + ": cannot read the Keras model file"), e.getMessage());
    }

    @Test
    void aSubclassedModelIsRefused() {
        ObjectNode tree = KerasFixtures.tree(MNIST);
        tree.put("class_name", "MyModel");
        DefinitionException e = assertThrows(DefinitionException.class,
                () -> KerasImporter.read(tree.toString(), "my.json", "my"));
        assertTrue(e.getMessage().contains("my.json: model, field 'class_name': is 'MyModel'"), e.getMessage());
    }

    private static void refused(String fixture, Consumer<ArrayNode> change, String where, String problem) {
        ObjectNode tree = KerasFixtures.tree(fixture);
        change.accept((ArrayNode) tree.get("config").get("layers"));
        UsageException e = assertThrows(DefinitionException.class,
                () -> KerasImporter.read(tree.toString(), "bad.json", "bad"));
        assertTrue(e.getMessage().startsWith("bad.json: " + where + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    private static ObjectNode layer(ArrayNode layers, int index) {
        return (ObjectNode) layers.get(index);
    }

    private static ObjectNode config(ArrayNode layers, int index) {
        return (ObjectNode) layers.get(index).get("config");
    }
}
