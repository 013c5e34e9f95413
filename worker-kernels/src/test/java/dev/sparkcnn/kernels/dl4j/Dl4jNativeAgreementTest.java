package dev.sparkcnn.kernels.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.NativeRuntime;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import dev.sparkcnn.kernels.StepStats;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.model.ParamLayout;
import dev.sparkcnn.kernels.optim.LrSchedule;
import dev.sparkcnn.kernels.optim.TrainingOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The DL4J and native engines agree on the layers beyond the tutorials, from the same random state
 * (running variances positive): inference output (batch norm on its running statistics, dropout
 * the identity), the training-mode gradient and loss (batch norm on the batch's statistics) and the
 * running statistics the step leaves, and whole optimizer steps (with label smoothing, and weight
 * decay on the weights only); the state moves between them.
 */
class Dl4jNativeAgreementTest {

    /** Strided 'same' convolution without bias, batch norm, padded average pooling, global pooling, every activation. */
    static final String LAYERS = """
            {"name": "layers", "layers": [
              {"type": "conv2d", "filters": 4, "kernel": 3, "stride": 2, "padding": "same", "bias": false},
              {"type": "batchnorm", "momentum": 0.8, "epsilon": 0.001},
              {"type": "activation", "function": "leaky_relu"},
              {"type": "avgpool", "size": 3, "stride": 1, "padding": 1},
              {"type": "conv2d", "filters": 5, "kernel": 3, "padding": 1, "activation": "elu"},
              {"type": "globalavgpool"},
              {"type": "flatten"},
              {"type": "dense", "units": 6, "activation": "tanh"},
              {"type": "batchnorm"},
              {"type": "activation", "function": "sigmoid"},
              {"type": "dense", "units": "classes", "activation": "softmax"}]}
            """;

    /** A stem, an identity residual block and a strided projection block (its batch norm not the default), as in resnet20. */
    static final String RESIDUAL = """
            {"name": "residual", "layers": [
              {"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1, "bias": false},
              {"type": "batchnorm"},
              {"type": "activation", "function": "relu"},
              {"type": "residual", "layers": [
                {"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1, "bias": false},
                {"type": "batchnorm"},
                {"type": "activation", "function": "relu"},
                {"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1, "bias": false},
                {"type": "batchnorm"}], "shortcut": "identity", "activation": "relu"},
              {"type": "residual", "layers": [
                {"type": "conv2d", "filters": 6, "kernel": 3, "stride": 2, "padding": 1, "bias": false},
                {"type": "batchnorm"},
                {"type": "activation", "function": "relu"},
                {"type": "conv2d", "filters": 6, "kernel": 3, "padding": 1, "bias": false},
                {"type": "batchnorm"}], "shortcut": {"type": "projection", "stride": 2, "momentum": 0.7, "epsilon": 0.01},
               "activation": "relu"},
              {"type": "globalavgpool"},
              {"type": "flatten"},
              {"type": "dense", "units": "classes", "activation": "softmax"}]}
            """;

    /** Dropout after pooling and after a dense layer: the identity in inference. */
    static final String DROPOUT = """
            {"name": "dropout", "layers": [
              {"type": "conv2d", "filters": 3, "kernel": 3, "activation": "relu"},
              {"type": "maxpool", "size": 2},
              {"type": "dropout", "rate": 0.3},
              {"type": "flatten"},
              {"type": "dense", "units": 8, "activation": "relu"},
              {"type": "dropout", "rate": 0.5},
              {"type": "dense", "units": "classes", "activation": "softmax"}]}
            """;

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    private static String definition(String name) {
        return switch (name) {
            case "layers" -> LAYERS;
            case "residual" -> RESIDUAL;
            case "dropout" -> DROPOUT;
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @CsvSource({"layers,9", "residual,8", "dropout,8"})
    void inferenceAgreesFromTheSameState(String name, int side) {
        ModelSpec spec = Dl4jDefinitionTest.spec(definition(name), 3, side, "adam");
        float[] params = Dl4jDefinitionTest.randomParams(spec.layout(), 11);
        Batch batch = Dl4jDefinitionTest.randomBatch(spec, 6, 12);
        try (Network dl4j = NetworkFactory.create(spec, "dl4j");
             Network nat = NetworkFactory.create(spec, "native")) {
            assertEquals(dl4j.initialState(), nat.initialState(), "the same layout and seed draw the same values");
            dl4j.loadParams(params);
            nat.loadParams(params);
            float[] expected = dl4j.predict(batch);
            double diff = relativeDifference(expected, nat.predict(batch));
            assertTrue(diff < 1e-5, name + ": predictions differ by " + diff);
            assertTrue(spread(expected) > 0.01, name + ": the predictions depend on the input");
        }
    }

    @ParameterizedTest
    @CsvSource({"layers,9", "residual,8"})
    void trainingGradientLossAndRunningStatisticsAgree(String name, int side) {
        ModelSpec spec = Dl4jDefinitionTest.spec(definition(name), 3, side, "adam");
        ParamLayout layout = spec.layout();
        float[] params = Dl4jDefinitionTest.randomParams(layout, 21);
        Batch batch = Dl4jDefinitionTest.randomBatch(spec, 6, 22);
        try (Network dl4j = NetworkFactory.create(spec, "dl4j");
             Network nat = NetworkFactory.create(spec, "native")) {
            dl4j.loadParams(params);
            nat.loadParams(params);
            float[] expected = new float[params.length];
            float[] actual = new float[params.length];
            StepStats a = dl4j.computeGradient(batch, expected);
            StepStats b = nat.computeGradient(batch, actual);
            assertEquals(a.lossSum(), b.lossSum(), 1e-5 * a.lossSum(), name + ": training-mode loss");
            double diff = relativeDifference(expected, actual);
            assertTrue(diff < 1e-4, name + ": gradients differ by " + diff);
            double paramsDiff = relativeDifference(dl4j.params(), nat.params());
            assertTrue(paramsDiff < 1e-5, name + ": running statistics after the step differ by " + paramsDiff);
            assertTrue(relativeDifference(params, dl4j.params()) > 1e-3, "the running statistics moved");
        }
    }

    @ParameterizedTest
    @CsvSource({"adam,0", "adam,0.05", "nesterovs,0.05"})
    void optimizerStepsAgreeAndTheStateMovesBetweenEngines(String optimizer, double weightDecay) {
        ModelSpec spec = Dl4jDefinitionTest.spec(RESIDUAL, 3, 8, optimizer)
                .withTraining(new TrainingOptions(weightDecay, 0.1, LrSchedule.CONSTANT, null));
        ModelState start = new ModelState(Dl4jDefinitionTest.randomParams(spec.layout(), 31),
                new float[(int) (optimizer.equals("adam") ? 2 : 1) * (int) spec.layout().numParams()], 0);
        try (Network dl4j = NetworkFactory.create(spec, "dl4j");
             Network nat = NetworkFactory.create(spec, "native")) {
            assertEquals(nat.updaterStateSize(), dl4j.updaterStateSize());
            dl4j.load(start);
            nat.load(start);
            for (int step = 0; step < 3; step++) {
                Batch batch = Dl4jDefinitionTest.randomBatch(spec, 8, 40 + step);
                StepStats a = dl4j.fit(batch);
                StepStats b = nat.fit(batch);
                assertEquals(a.lossSum(), b.lossSum(), 1e-4 * a.lossSum(), "step " + step + " loss");
            }
            ModelState trained = dl4j.state();
            double diff = relativeDifference(trained.params(), nat.state().params());
            double moved = relativeDifference(start.params(), trained.params());
            assertTrue(diff < 1e-4 && moved > 100 * diff, "parameters differ by " + diff + ", moved " + moved);
            double state = relativeDifference(trained.updaterState(), nat.state().updaterState());
            assertTrue(state < 1e-3, "the optimizer's state differs by " + state);

            Batch probe = Dl4jDefinitionTest.randomBatch(spec, 5, 50);
            nat.load(trained);
            assertArrayEquals(trained.params(), nat.state().params());
            assertTrue(relativeDifference(dl4j.predict(probe), nat.predict(probe)) < 1e-5,
                    "a DL4J-trained state predicts the same on the native engine");
        }
    }

    @ParameterizedTest
    @CsvSource({"vgg-bn,8", "resnet20,8"})
    void catalogueNetworksWithBatchNormAgree(String model, int side) {
        ModelSpec spec = new ModelSpec(model, 3, side, side, 4, 1e-3, 3);
        float[] params = Dl4jDefinitionTest.randomParams(spec.layout(), 61);
        Batch batch = Dl4jDefinitionTest.randomBatch(spec, 4, 62);
        try (Network dl4j = NetworkFactory.create(spec, "dl4j");
             Network nat = NetworkFactory.create(spec, "native")) {
            assertEquals(spec.layout().numParams(), dl4j.numParams());
            assertEquals(dl4j.initialState(), nat.initialState());
            dl4j.loadParams(params);
            nat.loadParams(params);
            double diff = relativeDifference(dl4j.predict(batch), nat.predict(batch));
            assertTrue(diff < 1e-4, model + ": predictions differ by " + diff);
        }
    }

    /** The largest |a - b| relative to the largest |a|. */
    static double relativeDifference(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double scale = 0;
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            scale = Math.max(scale, Math.abs(a[i]));
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return scale == 0 ? max : max / scale;
    }

    private static double spread(float[] probabilities) {
        double min = 1;
        double max = 0;
        for (float p : probabilities) {
            min = Math.min(min, p);
            max = Math.max(max, p);
        }
        return max - min;
    }
}
