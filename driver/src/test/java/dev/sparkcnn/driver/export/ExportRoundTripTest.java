package dev.sparkcnn.driver.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.sparkcnn.datasets.CifarFormat;
import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.datasets.SyntheticCifar;
import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.predict.Prediction;
import dev.sparkcnn.driver.predict.Predictor;
import dev.sparkcnn.driver.store.ModelDirectory;
import dev.sparkcnn.driver.store.SavedModel;
import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.dl4j.Dl4jModels;
import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.model.ParamLayout;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Acceptance of {@code sparkcnn export}: for every catalogue model, trained briefly here on
 * generated data (the model's own normalization), the exported ONNX file run by ONNX Runtime and
 * the exported DL4J zip restored by {@code ModelSerializer} (a MultiLayerNetwork, or a
 * ComputationGraph for resnet20) give the class probabilities of {@code predict}'s code path
 * ({@link Predictor}) within 1e-4 on 100 records. vgg-bn and resnet20 run on small images (16x16
 * and 8x8, for speed) and train for 40 steps, so that batch norm's running statistics (momentum
 * 0.9) have moved well away from 0 and 1 towards the activations' own: inference then tells the
 * records apart. Two Keras-imported models (fixtures of the Keras import) export the same way.
 */
class ExportRoundTripTest {
    private static final int RECORDS = 100;
    private static final double TOLERANCE = 1e-4;
    private static final Path KERAS_FIXTURES = Path.of("..", "worker-kernels", "src", "test", "resources", "keras");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"simple-cnn,3,32,12,32,", "mnist-cnn,3,32,12,32,", "cifar-cnn,3,32,12,32,", "vgg-bn,3,16,40,16,",
        "resnet20,3,8,40,8,", "keras:allconv_gap.json,1,28,40,32,0.01", "keras:resnet_mini.json,3,32,40,16,"})
    void onnxAndDl4jGiveThePredictorsProbabilities(String name, int channels, int side, int steps, int batch,
                                                   Double learningRate) throws Exception {
        String modelName = name.startsWith("keras:") ? "keras:" + KERAS_FIXTURES.resolve(name.substring(6)) : name;
        SavedModel model = trainedModel(modelName, channels, side, steps, batch, learningRate);
        assertTrue(runningStatisticsMoved(model), "batch norm's running statistics are not their initial values");
        Path dir = tmp.resolve("model");
        ModelDirectory.write(new HadoopConf(new Configuration()), dir.toString(), false, model, "{}", "{}");
        List<ImageRecord> records = records(RECORDS, new Random(99), channels, side);
        float[][] expected;
        try (Predictor predictor = new Predictor(model)) {
            expected = predictor.predict(records).stream().map(Prediction::probabilities).toArray(float[][]::new);
        }
        assertTrue(distinctTopClasses(expected) > 1 && spread(expected) > 100 * TOLERANCE,
                () -> "the briefly trained model tells classes apart: " + distinctTopClasses(expected)
                        + " distinct top classes, probabilities spread " + spread(expected));

        Path onnx = tmp.resolve("model.onnx");
        assertEquals(0, export(dir, "onnx", onnx), "export onnx");
        assertClose(expected, runOnnx(onnx, records, model.spec()), "ONNX Runtime");

        Path zip = tmp.resolve("model.zip");
        assertEquals(0, export(dir, "dl4j", zip), "export dl4j");
        assertClose(expected, runDl4j(zip, records, model), "DL4J ModelSerializer");
    }

    /** A model after a few steps of its optimizer (its learning rate unless given) on generated CIFAR-like images. */
    private static SavedModel trainedModel(String modelName, int channels, int side, int steps, int size,
                                           Double learningRate) {
        DatasetSpec data = new DatasetSpec(channels, side, side, CifarFormat.CIFAR10_CLASSES);
        ModelSpec spec = ModelSpec.of(modelName, data, learningRate, 7);
        Normalization normalization = ModelCatalogue.defaults(modelName).normalization(channels);
        try (Network network = NetworkFactory.create(spec, NetworkFactory.NATIVE)) {
            network.load(network.initialState());
            Random rnd = new Random(3);
            for (int step = 0; step < steps; step++) {
                List<ImageRecord> batch = records(size, rnd, channels, side);
                float[] features = new float[size * spec.imageSize()];
                int[] labels = new int[size];
                for (int i = 0; i < size; i++) {
                    normalization.apply(batch.get(i).pixels(), features, i * spec.imageSize());
                    labels[i] = batch.get(i).label();
                }
                network.fit(new Batch(features, labels, size));
            }
            return new SavedModel(spec, NetworkFactory.NATIVE, data, normalization, network.state());
        }
    }

    /** True if the model has no batch norm, or over 90% of its running means and variances left 0 and 1. */
    private static boolean runningStatisticsMoved(SavedModel model) {
        ParamLayout layout = model.spec().layout();
        float[] params = model.state().params();
        int running = 0;
        int moved = 0;
        for (int a = 0; a < layout.arrays().size(); a++) {
            String name = layout.arrays().get(a).name();
            if (!layout.arrays().get(a).trainable()) {
                float initial = name.endsWith(".var") ? 1f : 0f;
                int from = (int) layout.offset(a);
                for (int k = 0; k < layout.arrays().get(a).length(); k++) {
                    running++;
                    moved += Math.abs(params[from + k] - initial) > 1e-3 ? 1 : 0;
                }
            }
        }
        return moved >= 0.9 * running;
    }

    /**
     * Generated 32x32 RGB images as {@code channels x side x side}: averaged down by {@code 32 / side}
     * (a divisor of 32) or cropped at the centre (28), and averaged to grey for one channel.
     */
    private static List<ImageRecord> records(int n, Random rnd, int channels, int side) {
        int f = 32 % side == 0 ? 32 / side : 1;
        int crop = (32 - side * f) / 2;
        List<ImageRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ImageRecord full = SyntheticCifar.generate(i % 10, rnd);
            byte[] pixels = new byte[channels * side * side];
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        int sum = 0;
                        int count = 0;
                        for (int from = channels == 1 ? 0 : c; from < (channels == 1 ? 3 : c + 1); from++) {
                            for (int k = 0; k < f * f; k++) {
                                sum += full.pixel(from, crop + y * f + k / f, crop + x * f + k % f, 32, 32);
                                count++;
                            }
                        }
                        pixels[(c * side + y) * side + x] = (byte) Math.round((float) sum / count);
                    }
                }
            }
            out.add(new ImageRecord(full.label(), pixels));
        }
        return out;
    }

    private static int export(Path dir, String format, Path out) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"export", "--model-dir", dir.toString(), "--format", format, "--out",
                out.toString()}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        if (code != 0) {
            System.err.println(err.toString(StandardCharsets.UTF_8));
        }
        return code;
    }

    /** The ONNX model on raw pixel values in NHWC order, as the docs tell a serving client to pass them. */
    private static float[][] runOnnx(Path file, List<ImageRecord> records, ModelSpec spec) throws Exception {
        int c = spec.channels();
        int h = spec.height();
        int w = spec.width();
        float[] nhwc = new float[records.size() * spec.imageSize()];
        for (int n = 0; n < records.size(); n++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int ch = 0; ch < c; ch++) {
                        nhwc[((n * h + y) * w + x) * c + ch] = records.get(n).pixel(ch, y, x, h, w);
                    }
                }
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(nhwc),
                     new long[]{records.size(), h, w, c});
             OrtSession.Result result = session.run(Map.of("pixels", input))) {
            return (float[][]) result.get("probabilities").orElseThrow().getValue();
        }
    }

    /** The restored network on NCHW features normalized as in training. */
    private static float[][] runDl4j(Path file, List<ImageRecord> records, SavedModel model) throws Exception {
        ModelSpec spec = model.spec();
        float[] features = new float[records.size() * spec.imageSize()];
        for (int i = 0; i < records.size(); i++) {
            model.normalization().apply(records.get(i).pixels(), features, i * spec.imageSize());
        }
        INDArray x = Nd4j.create(features, new long[]{records.size(), spec.channels(), spec.height(),
                spec.width()}, 'c');
        if (Dl4jModels.sequential(spec)) {
            MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(file.toFile());
            try {
                return net.output(x).toFloatMatrix();
            } finally {
                net.close();
            }
        }
        ComputationGraph net = ModelSerializer.restoreComputationGraph(file.toFile());
        try {
            return net.outputSingle(x).toFloatMatrix();
        } finally {
            net.close();
        }
    }

    private static void assertClose(float[][] expected, float[][] actual, String runtime) {
        assertEquals(expected.length, actual.length, runtime + ": rows");
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual[i].length, runtime + ": classes");
            for (int k = 0; k < expected[i].length; k++) {
                max = Math.max(max, Math.abs(expected[i][k] - actual[i][k]));
            }
        }
        System.out.printf("%s: largest probability difference to predict's %.3g%n", runtime, max);
        assertTrue(max <= TOLERANCE, runtime + ": largest probability difference " + max + " > " + TOLERANCE);
    }

    /** The largest difference of a probability between two records. */
    private static double spread(float[][] probabilities) {
        double max = 0;
        for (float[] p : probabilities) {
            for (int k = 0; k < p.length; k++) {
                max = Math.max(max, Math.abs(p[k] - probabilities[0][k]));
            }
        }
        return max;
    }

    private static long distinctTopClasses(float[][] probabilities) {
        return java.util.Arrays.stream(probabilities).mapToInt(p -> {
            int best = 0;
            for (int k = 1; k < p.length; k++) {
                best = p[k] > p[best] ? k : best;
            }
            return best;
        }).distinct().count();
    }
}
