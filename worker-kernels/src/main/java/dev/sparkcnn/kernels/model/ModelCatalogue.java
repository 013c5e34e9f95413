package dev.sparkcnn.kernels.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import dev.sparkcnn.kernels.model.keras.KerasImporter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The named models: network definitions shipped as resources ({@code catalogue/NAME.json} beside
 * this class), read once. Each takes its input shape and class count from the data, so every model
 * runs on every dataset large enough for it.
 */
public final class ModelCatalogue {

    public static final String SIMPLE_CNN = "simple-cnn";
    public static final String MNIST_CNN = "mnist-cnn";
    public static final String CIFAR_CNN = "cifar-cnn";
    public static final String VGG_BN = "vgg-bn";
    public static final String RESNET20 = "resnet20";

    /** Catalogue order; a new model is its resource file plus its name here. */
    /** Definition files' networks as a resumed run stored them (see {@link #restore}). */
    private static final Map<String, NetworkDefinition> RESTORED = new ConcurrentHashMap<>();
    private static final List<String> NAMES = List.of(SIMPLE_CNN, MNIST_CNN, CIFAR_CNN, VGG_BN, RESNET20);

    /** The three tutorial networks, which every engine builds (the default of {@code bench kernels}). */
    public static final List<String> TUTORIALS = List.of(SIMPLE_CNN, MNIST_CNN, CIFAR_CNN);

    private static final Map<String, NetworkDefinition> DEFINITIONS = new ConcurrentHashMap<>();

    private ModelCatalogue() {
    }

    /** The model names, in catalogue order. */
    public static List<String> names() {
        return NAMES;
    }

    /** The prefix of a Keras {@code model.to_json()} file given as a model: {@code keras:FILE.json}. */
    public static final String KERAS_PREFIX = "keras:";

    /**
     * Whether {@code model} names a file rather than a catalogue model: a definition file (a local
     * path ending in {@code .json}) or a Keras file ({@code keras:FILE}).
     */
    public static boolean isDefinitionFile(String model) {
        return model != null && (model.endsWith(".json") || model.startsWith(KERAS_PREFIX));
    }

    /**
     * The definition of a catalogue model, of a definition file, or imported from a Keras file
     * ({@code keras:FILE}, see {@link KerasImporter}), files read afresh on every call.
     *
     * @throws IllegalArgumentException if the name is not in the catalogue
     * @throws DefinitionException      if the file cannot be read or is not a valid definition
     */
    public static NetworkDefinition definition(String nameOrFile) {
        NetworkDefinition restored = nameOrFile == null ? null : RESTORED.get(nameOrFile);
        if (restored != null) {
            return restored;
        }
        if (nameOrFile != null && nameOrFile.startsWith(KERAS_PREFIX)) {
            return KerasImporter.read(Path.of(nameOrFile.substring(KERAS_PREFIX.length())));
        }
        if (isDefinitionFile(nameOrFile)) {
            return DefinitionReader.read(Path.of(nameOrFile));
        }
        if (nameOrFile == null || !NAMES.contains(nameOrFile)) {
            throw new IllegalArgumentException(
                    "unknown model '" + nameOrFile + "'; known models: " + String.join(", ", NAMES));
        }
        return DEFINITIONS.computeIfAbsent(nameOrFile, ModelCatalogue::load);
    }

    /**
     * Makes a definition file's name resolve, in this JVM, to the network a run stored (a checkpoint's
     * or a model directory's), not to what the file holds now: a resumed or retrained run keeps its
     * network when the file has since changed, moved or been deleted.
     */
    public static void restore(String file, NetworkDefinition definition) {
        if (isDefinitionFile(file)) {
            RESTORED.put(file, definition);
        }
    }

    /**
     * The defaults of a catalogue model or a definition file.
     *
     * @throws IllegalArgumentException if the name is not in the catalogue or the file is not a definition
     */
    public static ModelDefaults defaults(String nameOrFile) {
        return ModelDefaults.of(definition(nameOrFile));
    }

    private static NetworkDefinition load(String name) {
        String resource = "catalogue/" + name + ".json";
        try (InputStream in = ModelCatalogue.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the catalogue resource " + resource + " is missing from the jar");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return DefinitionReader.read(text, "catalogue model " + name, name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
