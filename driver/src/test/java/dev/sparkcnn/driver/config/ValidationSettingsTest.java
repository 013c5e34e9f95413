package dev.sparkcnn.driver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@code --validate-every} and {@code --keep-best}: when the held-out split is evaluated, checks, config.json. */
class ValidationSettingsTest {

    @Test
    void everyNEpochsAndAlwaysAfterTheLast() {
        assertEquals(List.of(3, 6, 9, 10), after(new ValidationSettings(3, null), 10));
        assertEquals(List.of(1, 2, 3), after(ValidationSettings.DEFAULT, 3), "default: every epoch");
        assertEquals(List.of(), after(new ValidationSettings(0, null), 3), "0: only the evaluation after training");
        assertEquals(List.of(2), after(new ValidationSettings(5, true), 2));
    }

    @Test
    void badValuesNameTheOption() {
        ConfigException negative = assertThrows(ConfigException.class, () -> new ValidationSettings(-1, null));
        assertTrue(negative.getMessage().contains("--validate-every"), negative.getMessage());
        ConfigException off = assertThrows(ConfigException.class, () -> TrainingConfig.builder("d", "o")
                .validateEvery(0).keepBest(true).build());
        assertTrue(off.getMessage().contains("--keep-best") && off.getMessage().contains("--validate-every"),
                off.getMessage());
    }

    @Test
    void theFieldsAreWrittenOnlyWhenSetAndRoundTrip() throws Exception {
        TrainingConfig plain = TrainingConfig.builder("d", "o").build();
        JsonNode plainJson = Json.MAPPER.readTree(Json.write(plain));
        assertFalse(plainJson.has("validateEvery") || plainJson.has("keepBest"),
                "a config without them writes what files before them held");
        assertEquals(ValidationSettings.DEFAULT, plain.validation());

        TrainingConfig set = TrainingConfig.builder("d", "o").validateEvery(2).keepBest(true).build();
        String json = Json.write(set);
        JsonNode node = Json.MAPPER.readTree(json);
        assertEquals(2, node.get("validateEvery").asInt());
        assertTrue(node.get("keepBest").asBoolean());
        TrainingConfig back = Json.read(json, TrainingConfig.class, "test");
        assertEquals(set, back);
        assertEquals(json, Json.write(back));
        assertTrue(back.validation().keepsBest());
        assertEquals(set.validation(), back.toBuilder().build().validation(), "the builder carries them");
    }

    private static List<Integer> after(ValidationSettings s, int epochs) {
        return IntStream.rangeClosed(1, epochs).filter(e -> s.validatesAfter(e, epochs)).boxed().toList();
    }
}
