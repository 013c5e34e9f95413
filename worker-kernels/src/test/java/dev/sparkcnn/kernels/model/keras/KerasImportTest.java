package dev.sparkcnn.kernels.model.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkcnn.kernels.model.Activation;
import dev.sparkcnn.kernels.model.BatchNorm;
import dev.sparkcnn.kernels.model.DefinitionException;
import dev.sparkcnn.kernels.model.DefinitionReader;
import dev.sparkcnn.kernels.model.DefinitionWriter;
import dev.sparkcnn.kernels.model.Dense;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.model.NetworkDefinition;
import dev.sparkcnn.kernels.model.NetworkSummary;
import dev.sparkcnn.kernels.model.Residual;
import dev.sparkcnn.kernels.model.Shape;
import dev.sparkcnn.kernels.model.WeightInit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Keras fixtures (real {@code to_json()} output, see {@code src/test/resources/keras/README.md})
 * import; each summary's parameter counts equal Keras' own; the definitions round-trip through
 * sparkcnn's definition format (how the model directory stores them).
 */
class KerasImportTest {

    @ParameterizedTest
    @ValueSource(strings = {"tf_cnn_tutorial.json", "mnist_convnet.json", "cifar10_cnn_bn.json", "allconv_gap.json",
            "resnet_mini.json"})
    void eachFixtureImportsWithKerasParameterCount(String file) {
        NetworkDefinition definition = ModelCatalogue.definition("keras:" + KerasFixtures.path(file));
        assertTrue(definition.input() != null, "every fixture fixes its input shape");
        NetworkSummary summary = definition.summary(definition.input(), 10);
        JsonNode keras = KerasFixtures.kerasCounts(file);
        assertEquals(keras.get("trainable").asLong(), summary.trainable(), summary.table());
        assertEquals(keras.get("nonTrainable").asLong(), summary.nonTrainable(), summary.table());
        assertEquals(keras.get("countParams").asLong(), summary.layout().numParams(), summary.table());
        assertEquals(WeightInit.XAVIER_UNIFORM, definition.weightInit());
        NetworkDefinition stored = DefinitionReader.read(DefinitionWriter.write(definition), "model.json",
                definition.name());
        assertEquals(definition, stored, "the model directory stores the imported network as a definition");
    }

    @Test
    void theTensorFlowTutorialImportsAsTheCatalogueCifarCnn() {
        NetworkDefinition imported = KerasImporter.read(KerasFixtures.path("tf_cnn_tutorial.json"));
        NetworkDefinition catalogue = ModelCatalogue.definition(ModelCatalogue.CIFAR_CNN);
        assertEquals(Shape.image(3, 32, 32), imported.input());
        assertEquals("tf_cnn_tutorial", imported.name());
        assertEquals(catalogue.summary(Shape.image(3, 32, 32), 10).layout(),
                imported.summary(Shape.image(3, 32, 32), 10).layout());
        assertEquals(catalogue.layers().subList(0, 6), imported.layers().subList(0, 6));
        // the tutorial's logits (a linear Dense, from_logits=True) are sparkcnn's softmax output layer
        assertEquals(new Dense(10, Activation.SOFTMAX, true), imported.layers().get(7));
    }

    @Test
    void theDataMustFitTheImportedInputAndOutput() {
        NetworkDefinition mnist = KerasImporter.read(KerasFixtures.path("mnist_convnet.json"));
        DefinitionException classes = assertThrows(DefinitionException.class,
                () -> new ModelSpec(mnist, 1, 28, 28, 5, 1e-3, 1, null));
        assertTrue(classes.getMessage().contains("layer 6 (dense), field 'units': the output layer has 10 units but the "
                + "data has 5 classes"), classes.getMessage());
        DefinitionException input = assertThrows(DefinitionException.class,
                () -> new ModelSpec(mnist, 3, 28, 28, 10, 1e-3, 1, null));
        assertTrue(input.getMessage().contains("field 'input': the network is defined for 1x28x28 input but the data "
                + "is 3x28x28"), input.getMessage());
    }

    @Test
    void aDenseFollowedBySoftmaxIsTheOutputLayer() {
        NetworkDefinition d = KerasImporter.read(KerasFixtures.path("allconv_gap.json"));
        assertEquals(new Dense(10, Activation.SOFTMAX, true), d.layers().get(d.layers().size() - 1));
        assertEquals(Shape.image(1, 28, 28), d.input());
    }

    @Test
    void theFunctionalResNetBecomesResidualBlocks() {
        NetworkDefinition d = KerasImporter.read(KerasFixtures.path("resnet_mini.json"));
        // stem conv, bn, relu; identity block; projection block; gap; dense
        assertEquals(List.of("conv2d", "batchnorm", "activation", "residual", "residual", "globalavgpool", "dense"),
                d.layers().stream().map(l -> l.type()).toList());
        Residual identity = assertInstanceOf(Residual.class, d.layers().get(3));
        Residual projection = assertInstanceOf(Residual.class, d.layers().get(4));
        assertEquals(false, identity.projection());
        assertEquals(5, identity.layers().size());
        assertEquals(Activation.RELU, identity.activation());
        assertEquals(true, projection.projection());
        assertEquals(2, projection.stride());
        assertEquals(new BatchNorm(0.99, 1e-3), projection.shortcutNorm(), "Keras' defaults, as the file gives them");
        assertEquals(new BatchNorm(0.99, 1e-3), identity.layers().get(1));
        assertEquals(Activation.RELU, projection.activation());
        NetworkSummary summary = d.summary(d.input(), 10);
        NetworkSummary.Row block = summary.rows().stream().filter(r -> r.index().equals("4")).findFirst().orElseThrow();
        assertEquals(Shape.image(32, 16, 16), block.output());
    }

    @Test
    void theKeras3FormOfTheResNetImportsToTheSameDefinition() {
        NetworkDefinition keras2 = KerasImporter.read(KerasFixtures.path("resnet_mini.json"));
        String keras3 = Keras3Form.of(KerasFixtures.tree("resnet_mini.json")).toString();
        NetworkDefinition imported = KerasImporter.read(keras3, "resnet_mini_keras3.json", "resnet_mini");
        assertEquals(keras2.layers(), imported.layers());
        assertEquals(keras2.input(), imported.input());
    }

    @Test
    void theKeras3FormOfASequentialModelImportsToTheSameDefinition() {
        NetworkDefinition keras2 = KerasImporter.read(KerasFixtures.path("cifar10_cnn_bn.json"));
        String keras3 = Keras3Form.of(KerasFixtures.tree("cifar10_cnn_bn.json")).toString();
        NetworkDefinition imported = KerasImporter.read(keras3, "cifar_keras3.json", "cifar10_cnn_bn");
        assertEquals(keras2.layers(), imported.layers());
        assertEquals(keras2.input(), imported.input());
    }

    @Test
    void theInputShapeComesFromTheInputLayerOrKeras3BuildShapeAndMayBeOpen() {
        ObjectNode keras3 = Keras3Form.of(KerasFixtures.tree("cifar10_cnn_bn.json"));
        ArrayNode layers = (ArrayNode) keras3.get("config").get("layers");
        JsonNode input = layers.remove(0);
        ((ObjectNode) keras3.get("config")).set("build_input_shape", input.get("config").get("batch_shape"));
        assertEquals(Shape.image(3, 32, 32), KerasImporter.read(keras3.toString(), "k3.json", "k3").input());
        ObjectNode open = KerasFixtures.tree("allconv_gap.json");
        ((ObjectNode) open.get("config").get("layers").get(0).get("config")).putArray("batch_input_shape").addNull()
                .addNull().addNull().add(1);
        NetworkDefinition any = KerasImporter.read(open.toString(), "open.json", "open");
        assertEquals(null, any.input(), "an open size takes the data's shape");
        assertEquals(5386, any.summary(Shape.image(1, 28, 28), 10).layout().numParams());
    }
}
