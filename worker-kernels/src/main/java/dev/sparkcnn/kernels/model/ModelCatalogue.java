package dev.sparkcnn.kernels.model;

import dev.sparkcnn.kernels.optim.Optimizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The named models and their defaults. Engine-neutral: what each name means as layers is defined
 * by each engine (for DL4J in {@code Dl4jModels}); every model takes its input shape and class
 * count from the {@link ModelSpec}, so every model runs on every dataset large enough for it.
 */
public final class ModelCatalogue {

    public static final String SIMPLE_CNN = "simple-cnn";
    public static final String MNIST_CNN = "mnist-cnn";
    public static final String CIFAR_CNN = "cifar-cnn";

    private static final Map<String, ModelDefaults> MODELS = new LinkedHashMap<>();

    static {
        // Input side s: 3x3 'same' conv keeps s, 2x2 pool halves it (floor), 3x3 'valid' conv loses 2.
        register(new ModelDefaults(SIMPLE_CNN,
                "PyTorch CIFAR tutorial style: conv16 3x3 same, pool, conv32 3x3 same, pool, dense softmax",
                Optimizer.NESTEROVS, 0.001, 32, 0.5f, 0.5f, 4));
        register(new ModelDefaults(MNIST_CNN,
                "Keras MNIST convnet: conv32 3x3, pool, conv64 3x3, pool, dense128, dense softmax",
                Optimizer.ADAM, 0.001, 64, 0f, 1f, 10));
        register(new ModelDefaults(CIFAR_CNN,
                "TensorFlow CNN tutorial: conv32 3x3, pool, conv64 3x3, pool, conv64 3x3, dense64, dense softmax",
                Optimizer.ADAM, 0.001, 64, 0f, 1f, 18));
    }

    private ModelCatalogue() {
    }

    private static void register(ModelDefaults defaults) {
        MODELS.put(defaults.name(), defaults);
    }

    /** The model names, in catalogue order. */
    public static List<String> names() {
        return List.copyOf(MODELS.keySet());
    }

    /**
     * The defaults of a named model.
     *
     * @throws IllegalArgumentException if the name is not in the catalogue
     */
    public static ModelDefaults defaults(String name) {
        ModelDefaults defaults = name == null ? null : MODELS.get(name);
        if (defaults == null) {
            throw new IllegalArgumentException(
                    "unknown model '" + name + "'; known models: " + String.join(", ", MODELS.keySet()));
        }
        return defaults;
    }
}
