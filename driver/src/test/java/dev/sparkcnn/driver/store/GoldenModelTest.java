package dev.sparkcnn.driver.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.predict.Prediction;
import dev.sparkcnn.driver.predict.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/**
 * A model directory written by sparkcnn at 016d422 ({@code simple-cnn}, native engine, one epoch
 * on the generated set; {@code src/test/resources/golden/}) still loads and gives the same class
 * probabilities for 20 of that set's test records, bit for bit as far as float printing goes. A
 * change of the model-directory format or of the network's parameter layout fails here; if the
 * change is deliberate, old directories must still load (write a migration, not a new copy).
 */
class GoldenModelTest {

    private static final Path DIR = Path.of("src/test/resources/golden/simple-cnn-016d422");
    private static final int RECORD = 1 + 3 * 32 * 32;

    @Test
    void aModelDirectoryFrom016d422LoadsAndPredictsTheSameProbabilities() throws IOException {
        SavedModel model = ModelDirectory.read(new HadoopConf(new Configuration()), DIR.toString());
        assertEquals("simple-cnn", model.spec().model());
        assertEquals(10, model.spec().numClasses());

        List<byte[]> images = new ArrayList<>();
        byte[] bytes = Files.readAllBytes(DIR.resolve("test-records.bin"));
        int[] labels = new int[bytes.length / RECORD];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = bytes[i * RECORD];
            images.add(Arrays.copyOfRange(bytes, i * RECORD + 1, (i + 1) * RECORD));
        }
        List<Prediction> predictions;
        try (Predictor predictor = new Predictor(model)) {
            predictions = predictor.predict(images, labels);
        }

        Path expectedFile = DIR.resolve("expected-probabilities.json");
        ObjectMapper json = new ObjectMapper();
        if (Boolean.getBoolean("sparkcnn.golden.update")) {
            ArrayNode rows = json.createArrayNode();
            predictions.forEach(p -> {
                ArrayNode row = rows.addArray();
                for (float v : p.probabilities()) {
                    row.add(v);
                }
            });
            json.writerWithDefaultPrettyPrinter().writeValue(expectedFile.toFile(), rows);
        }
        JsonNode expected = json.readTree(expectedFile.toFile());
        assertEquals(expected.size(), predictions.size());
        for (int i = 0; i < predictions.size(); i++) {
            float[] want = new float[expected.get(i).size()];
            for (int c = 0; c < want.length; c++) {
                want[c] = expected.get(i).get(c).floatValue();
            }
            assertArrayEquals(want, predictions.get(i).probabilities(), 1e-6f, "record " + i);
        }
    }
}
