package dev.sparkcnn.kernels.model.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import dev.sparkcnn.kernels.StepStats;
import dev.sparkcnn.kernels.TestImages;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.model.NetworkDefinition;
import dev.sparkcnn.kernels.model.Shape;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each imported Keras fixture trains a round on the native engine through the {@link Network} seam:
 * a few Adam steps on tiny random data with a finite loss, moving the parameters.
 */
class KerasTrainTest {

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tf_cnn_tutorial.json", "mnist_convnet.json", "cifar10_cnn_bn.json", "allconv_gap.json",
            "resnet_mini.json"})
    void eachFixtureTrainsARound(String file) {
        NetworkDefinition definition = ModelCatalogue.definition("keras:" + KerasFixtures.path(file));
        Shape in = definition.input();
        ModelSpec spec = new ModelSpec(definition, in.channels(), in.height(), in.width(), 10, 1e-3, 5, null);
        List<Batch> batches = TestImages.batches(TestImages.random(3 * 4, spec.imageSize(), 10, 17), 4, spec);
        try (Network net = NetworkFactory.create(spec, NetworkFactory.NATIVE)) {
            assertEquals(spec.layout().numParams(), net.numParams());
            net.load(net.initialState());
            float[] before = net.params();
            for (Batch batch : batches) {
                StepStats stats = net.fit(batch);
                double loss = stats.lossSum() / batch.size();
                assertTrue(Double.isFinite(loss) && loss > 0, file + ": loss " + loss);
            }
            float[] after = net.params();
            assertNotEquals(Arrays.hashCode(before), Arrays.hashCode(after), "the parameters moved");
            for (float p : after) {
                assertTrue(Float.isFinite(p), "finite parameters");
            }
        }
    }
}
