package dev.sparkcnn.driver.config;

import static dev.sparkcnn.driver.config.Choices.require;

import dev.sparkcnn.kernels.model.ModelCatalogue;
import dev.sparkcnn.kernels.optim.Optimizer;

/**
 * Which network is trained, by which engine and optimizer.
 *
 * @param name         catalogue model name, a definition file (a path ending in .json), or keras:FILE (a Keras
 *                     model.to_json() file)
 * @param engine       network implementation
 * @param optimizer    null = the model's default
 * @param learningRate null = the model's default
 * @param batchSize    mini-batch size per task; null = the model's default
 */
public record ModelSettings(String name, Engine engine, Optimizer optimizer, Double learningRate,
                            Integer batchSize) {
    public static final String DEFAULT_NAME = ModelCatalogue.CIFAR_CNN;
    public static final Engine DEFAULT_ENGINE = Engine.NATIVE;

    public ModelSettings {
        require(name != null && (ModelCatalogue.names().contains(name) || ModelCatalogue.isDefinitionFile(name)),
                "--model", "'" + name + "' is not a known model; use one of " + String.join(", ", ModelCatalogue.names())
                        + ", a definition file (.json) or keras:FILE.json (a Keras model.to_json() file)");
        if (ModelCatalogue.isDefinitionFile(name)) {
            ModelCatalogue.definition(name); // a bad file fails here, naming its layer and field
        }
        require(engine != null, "--engine", "is required: one of " + String.join(", ", Engine.ids()));
        require(batchSize == null || batchSize > 0, "--batch-size", "must be at least 1, got " + batchSize);
        require(learningRate == null || (learningRate > 0 && Double.isFinite(learningRate)), "--learning-rate",
                "must be a positive number, got " + learningRate);
    }

    /** The settings of {@code name} with the default engine and the model's own hyper-parameters. */
    public static ModelSettings of(String name) {
        return new ModelSettings(name, DEFAULT_ENGINE, null, null, null);
    }

    /** @throws ConfigException naming {@code --optimizer} if the id is unknown */
    public static Optimizer optimizer(String id) {
        require(Optimizer.ids().contains(id), "--optimizer",
                "'" + id + "' is not a known optimizer; use one of " + String.join(", ", Optimizer.ids()));
        return Optimizer.of(id);
    }

    /** The batch size to use: the configured one or the model's default. */
    public int effectiveBatchSize() {
        return batchSize != null ? batchSize : ModelCatalogue.defaults(name).batchSize();
    }
}
