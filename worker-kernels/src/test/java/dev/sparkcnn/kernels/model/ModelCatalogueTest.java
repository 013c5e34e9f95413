package dev.sparkcnn.kernels.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.NetworkFactory;
import dev.sparkcnn.kernels.TestImages;
import dev.sparkcnn.kernels.NativeRuntime;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelCatalogueTest {

    @BeforeAll
    static void threads() {
        NativeRuntime.configureThreads(1);
    }

    /** Parameters of a conv layer with 3x3 kernels, and of a dense layer. */
    private static long conv(int in, int out) {
        return in * 9L * out + out;
    }

    private static long dense(long in, int out) {
        return in * out + out;
    }

    private static long expectedParams(String model, int c, int side, int classes) {
        return switch (model) {
            // same convs keep the side, pools halve it: 32 -> 16 -> 8, 28 -> 14 -> 7
            case "simple-cnn" -> conv(c, 16) + conv(16, 32) + dense(32L * (side / 4) * (side / 4), classes);
            // valid convs lose 2: 32 -> 30 -> 15 -> 13 -> 6; 28 -> 26 -> 13 -> 11 -> 5
            case "mnist-cnn" -> {
                int s = ((side - 2) / 2 - 2) / 2;
                yield conv(c, 32) + conv(32, 64) + dense(64L * s * s, 128) + dense(128, classes);
            }
            // ... -> conv 64: 6 -> 4 (CIFAR), 5 -> 3 (MNIST)
            case "cifar-cnn" -> {
                int s = ((side - 2) / 2 - 2) / 2 - 2;
                yield conv(c, 32) + conv(32, 64) + conv(64, 64) + dense(64L * s * s, 64) + dense(64, classes);
            }
            default -> throw new AssertionError(model);
        };
    }

    @Test
    void namesAndUnknownModel() {
        assertEquals(List.of("simple-cnn", "mnist-cnn", "cifar-cnn"), ModelCatalogue.names());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelCatalogue.defaults("x"));
        assertEquals("unknown model 'x'; known models: simple-cnn, mnist-cnn, cifar-cnn", e.getMessage());
        assertEquals(0.001, ModelCatalogue.defaults("simple-cnn").learningRate());
        assertEquals(32, ModelCatalogue.defaults("simple-cnn").batchSize());
        assertEquals(64, ModelCatalogue.defaults("cifar-cnn").batchSize());
        assertEquals(0.5f, ModelCatalogue.defaults("simple-cnn").normalization(3).std()[2]);
        assertEquals(0f, ModelCatalogue.defaults("mnist-cnn").normalization(1).mean()[0]);
    }

    @Test
    void handComputedCifarCount() {
        assertEquals(122_570, expectedParams("cifar-cnn", 3, 32, 10));
    }

    @ParameterizedTest
    @CsvSource({"simple-cnn,3,32", "simple-cnn,1,28", "mnist-cnn,3,32", "mnist-cnn,1,28", "cifar-cnn,3,32",
            "cifar-cnn,1,28"})
    void buildsWithExpectedParamsAndPredictsDistributions(String model, int channels, int side) {
        ModelSpec spec = new ModelSpec(model, channels, side, side, 10, 1e-3, 7);
        try (Network net = NetworkFactory.create(spec, "dl4j")) {
            assertEquals("dl4j", net.engine());
            assertEquals(expectedParams(model, channels, side, 10), net.numParams());
            long perParam = model.equals("simple-cnn") ? 1 : 2; // Nesterovs: velocity; Adam: two moments
            assertEquals(perParam * net.numParams(), net.updaterStateSize());
            Batch batch = TestImages.batches(TestImages.random(5, spec.imageSize(), 10, 1), 5, spec).get(0);
            float[] probabilities = net.predict(batch);
            assertEquals(5 * 10, probabilities.length);
            for (int row = 0; row < 5; row++) {
                double sum = 0;
                for (int c = 0; c < 10; c++) {
                    float p = probabilities[row * 10 + c];
                    assertTrue(p >= 0 && p <= 1, "probability " + p);
                    sum += p;
                }
                assertEquals(1.0, sum, 1e-5);
            }
        }
    }

    @Test
    void specValidation() {
        assertThrows(IllegalArgumentException.class, () -> new ModelSpec("nope", 3, 32, 32, 10, 1e-3, 1));
        assertThrows(IllegalArgumentException.class, () -> new ModelSpec("simple-cnn", 0, 32, 32, 10, 1e-3, 1));
        assertThrows(IllegalArgumentException.class, () -> new ModelSpec("simple-cnn", 3, 32, 32, 1, 1e-3, 1));
        assertThrows(IllegalArgumentException.class, () -> new ModelSpec("simple-cnn", 3, 32, 32, 10, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ModelSpec("simple-cnn", 3, 32, 32, 10, Double.NaN, 1));
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> new ModelSpec("cifar-cnn", 3, 17, 32, 10, 1e-3, 1));
        assertTrue(small.getMessage().contains("at least 18x18"), small.getMessage());
        new ModelSpec("cifar-cnn", 3, 18, 18, 10, 1e-3, 1); // the smallest it accepts builds
        try (Network net = NetworkFactory.create(new ModelSpec("cifar-cnn", 1, 18, 18, 2, 1e-3, 1), "dl4j")) {
            assertTrue(net.numParams() > 0);
        }
    }

    @Test
    void specFromDataset() {
        DatasetSpec cifar = new DatasetSpec(3, 32, 32, DatasetSpec.numberedClasses(10));
        ModelSpec defaults = ModelSpec.of("simple-cnn", cifar, null, 5);
        assertEquals(new ModelSpec("simple-cnn", 3, 32, 32, 10, 0.001, 5), defaults);
        assertEquals(0.01, ModelSpec.of("mnist-cnn", cifar, 0.01, 5).learningRate());
    }

    @Test
    void unknownEngine() {
        ModelSpec spec = new ModelSpec("simple-cnn", 1, 8, 8, 2, 1e-3, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkFactory.create(spec, "torch"));
        assertEquals("unknown engine 'torch'; known engines: dl4j, native", e.getMessage());
        assertEquals(List.of("dl4j", "native"), NetworkFactory.engines());
    }
}
