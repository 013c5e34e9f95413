package dev.sparkcnn.kernels.model.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Keras fixtures of {@code src/test/resources/keras} (see its README) and Keras' parameter counts for them. */
final class KerasFixtures {

    static final ObjectMapper JSON = new ObjectMapper();

    private KerasFixtures() {
    }

    static Path path(String file) {
        try {
            return Path.of(KerasFixtures.class.getResource("/keras/" + file).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode tree(String file) {
        try {
            return (ObjectNode) JSON.readTree(Files.readString(path(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keras' counts for a fixture from {@code params.json}: countParams, trainable, nonTrainable. */
    static JsonNode kerasCounts(String file) {
        return tree("params.json").get(file);
    }
}
