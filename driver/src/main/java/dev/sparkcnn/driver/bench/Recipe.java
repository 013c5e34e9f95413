package dev.sparkcnn.driver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.FlatConfig;
import dev.sparkcnn.driver.config.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A named training recipe: the dataset it is for, the training settings (any of {@code config.json}'s
 * fields but {@code data} and {@code out}), and the published baseline it is held against. Recipes
 * are resource files, {@code recipes/NAME.json}; adding one is one file and one entry in {@link #NAMES}.
 *
 * @param name           the recipe's name
 * @param description    one line: the network and the schedule
 * @param dataset        {@code generated} (the project's own learnable CIFAR-format set) or
 *                       {@code fashion-mnist} (Debian's {@code dataset-fashion-mnist}, or {@code data fetch})
 * @param train          the training settings, a partial flat configuration
 * @param baseline       the published accuracy it should beat, in [0, 1] (0: none)
 * @param baselineSource where that figure comes from
 */
public record Recipe(String name, String description, String dataset, ObjectNode train, double baseline,
                     String baselineSource) {

    /** The recipes, in the order {@code bench accuracy --help} lists them. */
    public static final List<String> NAMES = List.of("fashion-mnist-vgg-bn", "generated-cifar-cnn");

    /** Where Debian's {@code dataset-fashion-mnist} package puts the four IDX files. */
    public static final String DEBIAN_FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

    /**
     * The recipe of that name.
     *
     * @throws ConfigException naming the recipe if it is unknown
     */
    public static Recipe of(String name) {
        if (!NAMES.contains(name)) {
            throw new ConfigException("--recipe '" + name + "' is not a recipe; choose from " + String.join(", ", NAMES));
        }
        String resource = "/dev/sparkcnn/driver/recipes/" + name + ".json";
        try (InputStream in = Recipe.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("recipe resource " + resource + " is missing from the build");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Recipe parse(String json, String name) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("recipe " + name + " is not JSON: " + e.getMessage(), e);
        }
        JsonNode train = root.path("train");
        if (!(train instanceof ObjectNode trainObject) || train.has("data") || train.has("out")) {
            throw new IllegalStateException("recipe " + name + ": 'train' must be an object of config.json fields "
                    + "without data and out");
        }
        String dataset = root.path("dataset").asText();
        if (!dataset.equals("generated") && !dataset.equals("fashion-mnist")) {
            throw new IllegalStateException("recipe " + name + ": dataset must be generated or fashion-mnist, got '"
                    + dataset + "'");
        }
        Recipe recipe = new Recipe(name, root.path("description").asText(), dataset, trainObject,
                root.path("baseline").path("accuracy").asDouble(0), root.path("baseline").path("source").asText(""));
        recipe.config("data", "out"); // every field must be one train knows, with a valid value
        return recipe;
    }

    /** The flat configuration of this recipe for the data at {@code data}, writing to {@code out}. */
    public ObjectNode config(String data, String out) {
        ObjectNode node = train.deepCopy();
        node.put("data", data);
        node.put("out", out);
        node.put("overwrite", true);
        FlatConfig.read(node); // validates
        return node;
    }

    /**
     * The recipe's data when {@code --data} is not given: Debian's Fashion-MNIST, or {@code null} for
     * a generated set the benchmark writes itself.
     *
     * @throws ConfigException if the dataset is not installed
     */
    public String defaultData() {
        if (dataset.equals("generated")) {
            return null;
        }
        if (!Files.isDirectory(Path.of(DEBIAN_FASHION_MNIST))) {
            throw new ConfigException("--recipe " + name + " trains on Fashion-MNIST, which is not at "
                    + DEBIAN_FASHION_MNIST + ": install it (apt-get install dataset-fashion-mnist), or fetch it "
                    + "(sparkcnn data fetch fashion-mnist --out DIR) and pass --data DIR");
        }
        return DEBIAN_FASHION_MNIST;
    }
}
