package dev.sparkcnn.kernels.nativeengine;

import static dev.sparkcnn.kernels.nativeengine.NativeNetworkTest.batches;
import static dev.sparkcnn.kernels.nativeengine.NativeNetworkTest.relativeDifference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import dev.sparkcnn.kernels.StepStats;
import dev.sparkcnn.kernels.model.DefinitionReader;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.model.NetworkDefinition;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Both engines compile a definition beyond the tutorial networks' layers (5x5 and strided 'same'
 * convolutions, average pooling with padding, sigmoid and tanh) into the same state layout and
 * agree step for step, and each refuses the layers it cannot build, naming them.
 */
class DefinitionCompileTest {

    private static final String DEFINITION = """
            {"name": "mixed", "weightInit": "xavier_uniform", "layers": [
              {"type": "conv2d", "filters": 6, "kernel": 5, "stride": 2, "padding": "same", "activation": "tanh"},
              {"type": "avgpool", "size": 3, "stride": 1, "padding": 1},
              {"type": "conv2d", "filters": 8, "kernel": 3, "padding": 1, "activation": "relu"},
              {"type": "maxpool", "size": 2},
              {"type": "conv2d", "filters": 4, "kernel": 1, "activation": "sigmoid"},
              {"type": "flatten"},
              {"type": "dense", "units": 12, "activation": "tanh"},
              {"type": "dense", "units": "classes", "activation": "softmax"}]}
            """;

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    @Test
    void enginesAgreeOnADefinitionBeyondTheTutorials() {
        NetworkDefinition definition = DefinitionReader.read(DEFINITION, "mixed.json", "mixed");
        ModelSpec spec = new ModelSpec(definition, 2, 13, 13, 3, 0.01, 9, null);
        // 13 -> 7 (same, stride 2) -> 7 (avg 3, pad 1) -> 7 -> 3 (max 2) -> 3 (1x1)
        assertEquals("4x3x3", spec.summary().rows().get(4).output().toString());
        List<Batch> data = batches(spec, 3, 6);
        try (Network dl4j = NetworkFactory.create(spec, "dl4j");
             Network nat = NetworkFactory.create(spec, "native")) {
            assertEquals(spec.layout().numParams(), nat.numParams());
            assertEquals(dl4j.initialState(), nat.initialState(), "the same layout and seed draw the same values");
            ModelState start = dl4j.initialState();
            double before = relativeDifference(dl4j.predict(data.get(0)), nat.predict(data.get(0)));
            assertTrue(before < 1e-5, "predictions differ by " + before);
            for (Batch batch : data) {
                StepStats expected = dl4j.fit(batch);
                StepStats actual = nat.fit(batch);
                assertEquals(expected.lossSum(), actual.lossSum(), 1e-4 * expected.lossSum());
            }
            double diff = relativeDifference(dl4j.state().params(), nat.state().params());
            double moved = relativeDifference(start.params(), dl4j.state().params());
            assertTrue(diff < 1e-4 && moved > 100 * diff, "parameters differ by " + diff + ", moved " + moved);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            vgg-bn   | dl4j   | engine dl4j cannot build layer 1 (batchnorm) of model 'vgg-bn': DL4J keeps batch-norm running statistics outside its optimizer's single state block, so the state would not match the definition's layout; use --engine native
            """)
    void enginesRefuseLayersTheyCannotBuildNamingThem(String model, String engine, String message) {
        ModelSpec spec = new ModelSpec(model, 3, 32, 32, 10, 1e-3, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkFactory.create(spec, engine));
        assertEquals(message, e.getMessage());
    }

    @Test
    void nativeRefusesADenseLayerWithoutBiasAndABatchNormAfterFlatten() {
        NetworkDefinition noBias = DefinitionReader.read("""
                {"layers": [{"type": "flatten"}, {"type": "dense", "units": 4, "bias": false},
                  {"type": "dense", "units": "classes", "activation": "softmax"}]}
                """, "nobias.json", "nobias");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkFactory.create(new ModelSpec(noBias, 1, 4, 4, 2, 1e-3, 1, null), "native"));
        assertEquals("engine native cannot build layer 1 (" + noBias.layers().get(1).describe()
                + ") of model 'nobias': it has no dense layer without bias", e.getMessage());
        NetworkDefinition normAfterFlatten = DefinitionReader.read("""
                {"layers": [{"type": "conv2d", "filters": 2, "kernel": 3}, {"type": "flatten"}, {"type": "batchnorm"},
                  {"type": "dense", "units": "classes", "activation": "softmax"}]}
                """, "flat.json", "flat");
        e = assertThrows(IllegalArgumentException.class,
                () -> NetworkFactory.create(new ModelSpec(normAfterFlatten, 1, 6, 6, 2, 1e-3, 1, null), "native"));
        assertEquals("engine native cannot build layer 2 (batchnorm) of model 'flat': it has no 'batchnorm' after "
                + "'flatten' (only dropout, activation and dense layers may follow it)", e.getMessage());
    }

    @Test
    void dl4jRefusesAResidualBlock() {
        NetworkDefinition residual = DefinitionReader.read("""
                {"layers": [{"type": "residual", "layers": [{"type": "conv2d", "filters": 2, "kernel": 3,
                  "padding": 1}], "shortcut": "identity"},
                  {"type": "dense", "units": "classes", "activation": "softmax"}]}
                """, "res.json", "res");
        ModelSpec spec = new ModelSpec(residual, 2, 6, 6, 2, 1e-3, 1, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkFactory.create(spec, "dl4j"));
        assertEquals("engine dl4j cannot build layer 0 (residual (identity) relu) of model 'res': a residual layer "
                + "needs a ComputationGraph, which this engine does not build; use --engine native", e.getMessage());
    }
}
