package dev.sparkcnn.driver.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.driver.export.onnx.OnnxExporter;
import dev.sparkcnn.driver.predict.Prediction;
import dev.sparkcnn.driver.predict.Predictor;
import dev.sparkcnn.driver.store.SavedModel;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.model.DefinitionReader;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.model.ParamLayout;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ONNX emitters of the layer settings no catalogue model uses, from a random state (running
 * variances positive) on both engines: a strided 5x5 'same' convolution without bias, batch norm
 * with its own momentum and epsilon, leaky ReLU, ELU, sigmoid and tanh layers, average pooling with
 * padding and stride (padded cells not counted), 'same' max-pooling with stride, dropout, a residual
 * block without activation, and a normalization other than the identity. ONNX Runtime, and the
 * DL4J export restored by {@code ModelSerializer} (a ComputationGraph), give {@link Predictor}'s
 * probabilities within 1e-4.
 */
class LayerSettingsRoundTripTest {

    private static final String DEFINITION = """
            {"name": "settings",
             "defaults": {"normalization": {"mean": 0.4, "std": 0.3}},
             "layers": [
              {"type": "conv2d", "filters": 4, "kernel": 5, "stride": 2, "padding": "same", "bias": false},
              {"type": "batchnorm", "momentum": 0.8, "epsilon": 0.001},
              {"type": "activation", "function": "leaky_relu"},
              {"type": "avgpool", "size": 3, "stride": 2, "padding": 1},
              {"type": "conv2d", "filters": 5, "kernel": 3, "padding": "same", "activation": "elu"},
              {"type": "maxpool", "size": 3, "stride": 2, "padding": "same"},
              {"type": "dropout", "rate": 0.2},
              {"type": "residual", "layers": [
                {"type": "conv2d", "filters": 5, "kernel": 3, "padding": 1, "activation": "sigmoid"},
                {"type": "batchnorm"}], "shortcut": "identity", "activation": "identity"},
              {"type": "flatten"},
              {"type": "dense", "units": 7, "activation": "tanh"},
              {"type": "dropout", "rate": 0.5},
              {"type": "dense", "units": "classes", "activation": "softmax"}]}
            """;

    @ParameterizedTest
    @ValueSource(strings = {"native", "dl4j"})
    void onnxRuntimeGivesThePredictorsProbabilities(String engine) throws Exception {
        DatasetSpec data = new DatasetSpec(3, 13, 13, List.of("a", "b", "c"));
        ModelSpec spec = ModelSpec.of(DefinitionReader.read(DEFINITION, "settings.json", "settings"), data, null, 3);
        ParamLayout layout = spec.layout();
        assertEquals("5x2x2", spec.summary().rows().get(5).output().toString(), "13 -> 7 -> 4 -> 4 -> 2");
        Random rnd = new Random(5);
        float[] params = new float[(int) layout.numParams()];
        for (int a = 0; a < layout.arrays().size(); a++) {
            boolean variance = layout.arrays().get(a).name().endsWith(".var");
            for (int k = 0; k < layout.arrays().get(a).length(); k++) {
                float v = (float) rnd.nextGaussian() * 0.8f;
                params[(int) layout.offset(a) + k] = variance ? 0.2f + Math.abs(v) : v;
            }
        }
        Normalization normalization = Normalization.uniform(0.4f, 0.3f, 3);
        SavedModel model = new SavedModel(spec, engine, data, normalization,
                new ModelState(params, new float[(int) (2 * layout.numParams())], 0));
        List<ImageRecord> records = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] pixels = new byte[3 * 13 * 13];
            rnd.nextBytes(pixels);
            records.add(new ImageRecord(i % 3, pixels));
        }
        float[][] expected;
        try (Predictor predictor = new Predictor(model)) {
            expected = predictor.predict(records).stream().map(Prediction::probabilities).toArray(float[][]::new);
        }
        ByteArrayOutputStream onnx = new ByteArrayOutputStream();
        new OnnxExporter().write(model, onnx);
        float[][] actual = run(onnx.toByteArray(), records);
        double max = 0;
        double spread = 0;
        for (int i = 0; i < expected.length; i++) {
            for (int k = 0; k < 3; k++) {
                max = Math.max(max, Math.abs(expected[i][k] - actual[i][k]));
                spread = Math.max(spread, Math.abs(expected[i][k] - expected[0][k]));
            }
        }
        assertTrue(spread > 0.01, "the probabilities depend on the image: spread " + spread);
        assertTrue(max <= 1e-4, engine + ": ONNX Runtime differs from predict by " + max);

        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        new Dl4jExporter().write(model, zip);
        float[] features = new float[records.size() * spec.imageSize()];
        for (int i = 0; i < records.size(); i++) {
            normalization.apply(records.get(i).pixels(), features, i * spec.imageSize());
        }
        ComputationGraph graph = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(zip.toByteArray()));
        try {
            float[][] restored = graph.outputSingle(Nd4j.create(features, new long[]{records.size(), 3, 13, 13}, 'c'))
                    .toFloatMatrix();
            double dl4jMax = 0;
            for (int i = 0; i < expected.length; i++) {
                for (int k = 0; k < 3; k++) {
                    dl4jMax = Math.max(dl4jMax, Math.abs(expected[i][k] - restored[i][k]));
                }
            }
            assertTrue(dl4jMax <= 1e-4, engine + ": the restored DL4J graph differs from predict by " + dl4jMax);
        } finally {
            graph.close();
        }
    }

    private static float[][] run(byte[] model, List<ImageRecord> records) throws Exception {
        float[] nhwc = new float[records.size() * 3 * 13 * 13];
        for (int n = 0; n < records.size(); n++) {
            for (int y = 0; y < 13; y++) {
                for (int x = 0; x < 13; x++) {
                    for (int c = 0; c < 3; c++) {
                        nhwc[((n * 13 + y) * 13 + x) * 3 + c] = records.get(n).pixel(c, y, x, 13, 13);
                    }
                }
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(nhwc),
                     new long[]{records.size(), 13, 13, 3});
             OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
            return (float[][]) result.get(OnnxExporter.OUTPUT).orElseThrow().getValue();
        }
    }
}
