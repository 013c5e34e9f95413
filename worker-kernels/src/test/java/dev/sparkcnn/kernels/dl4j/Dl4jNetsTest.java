package dev.sparkcnn.kernels.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import dev.sparkcnn.kernels.model.ModelSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A state trained on the native engine, put into a DL4J network by {@link Dl4jNets#withState}
 * (what {@code export --format dl4j} writes), saved and restored by {@code ModelSerializer} with its
 * updater, continues training in DL4J exactly as the dl4j engine continues from the same state:
 * the parameters, the running statistics and Adam's regrouped state all travelled.
 */
class Dl4jNetsTest {

    /** Batch norm, dropout 0 and dense layers: a MultiLayerNetwork whose Adam state DL4J splits around the running statistics. */
    static final String STACK = """
            {"name": "stack", "layers": [
              {"type": "conv2d", "filters": 3, "kernel": 3, "padding": 1, "bias": false},
              {"type": "batchnorm"},
              {"type": "activation", "function": "relu"},
              {"type": "maxpool", "size": 2},
              {"type": "flatten"},
              {"type": "dense", "units": 5, "activation": "identity"},
              {"type": "batchnorm", "momentum": 0.7},
              {"type": "activation", "function": "tanh"},
              {"type": "dense", "units": "classes", "activation": "softmax"}]}
            """;

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    @ParameterizedTest
    @CsvSource({"stack,6", "residual,8"})
    void aSerializedNetworkContinuesTrainingAsTheEngineDoes(String name, int side) throws Exception {
        ModelSpec spec = Dl4jDefinitionTest.spec(name.equals("stack") ? STACK : Dl4jNativeAgreementTest.RESIDUAL, 3,
                side, "adam");
        ModelState trained;
        try (Network nat = NetworkFactory.create(spec, "native")) {
            nat.load(nat.initialState());
            for (int step = 0; step < 3; step++) {
                nat.fit(Dl4jDefinitionTest.randomBatch(spec, 6, 70 + step));
            }
            trained = nat.state();
        }
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        Model exported = Dl4jNets.withState(spec, trained);
        try {
            ModelSerializer.writeModel(exported, zip, true);
        } finally {
            exported.close();
        }
        Batch next = Dl4jDefinitionTest.randomBatch(spec, 6, 80);
        float[] expected;
        try (Network dl4j = NetworkFactory.create(spec, "dl4j")) {
            dl4j.load(trained);
            dl4j.fit(next);
            expected = dl4j.params();
        }
        INDArray x = Nd4j.create(next.features(), new long[]{6, 3, side, side}, 'c');
        INDArray y = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 6, spec.numClasses());
        for (int i = 0; i < 6; i++) {
            y.putScalar(i, next.labels()[i], 1f);
        }
        float[] actual;
        if (Dl4jModels.sequential(spec)) {
            MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(
                    new ByteArrayInputStream(zip.toByteArray()), true);
            assertEquals(trained.iteration(), restored.getIterationCount());
            restored.fit(x, y);
            actual = Dl4jNets.layout(spec, restored).paramsToLayout(restored.params());
            restored.close();
        } else {
            ComputationGraph restored = ModelSerializer.restoreComputationGraph(
                    new ByteArrayInputStream(zip.toByteArray()), true);
            assertEquals(trained.iteration(), restored.getIterationCount());
            restored.fit(new INDArray[]{x}, new INDArray[]{y});
            actual = Dl4jNets.layout(spec, restored).paramsToLayout(restored.params());
            restored.close();
        }
        double diff = Dl4jNativeAgreementTest.relativeDifference(expected, actual);
        double moved = Dl4jNativeAgreementTest.relativeDifference(trained.params(), expected);
        assertTrue(diff < 1e-5 && moved > 100 * diff, name + ": the restored network's step differs by " + diff
                + " (the step moved the parameters by " + moved + ")");
    }
}
