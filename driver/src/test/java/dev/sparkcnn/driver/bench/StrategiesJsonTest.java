package dev.sparkcnn.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkcnn.driver.config.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench strategies --json} writes sparkcnn's rows and the peers' rows (a failed peer with its error). */
class StrategiesJsonTest {

    @Test
    void theJsonHoldsTheRowsAndThePeerRows() throws Exception {
        StrategiesBenchmark.Result result = new StrategiesBenchmark.Result(
                List.of(new StrategiesBenchmark.Row("gradient-sharing, dense", 2000, 1.0, 0.98, null, 30)),
                List.of(PeerRow.failed("dl4j-spark SharedTrainingMaster", new IllegalStateException("no ring"))));
        JsonNode json = Json.MAPPER.readTree(Json.write(result));
        assertEquals(2000, json.get("rows").get(0).get("imagesPerSecond").asDouble());
        assertEquals("dl4j-spark SharedTrainingMaster", json.get("peers").get(0).get("strategy").asText());
        assertEquals(true, json.get("peers").get(0).get("error").asText().contains("no ring"));
    }
}
