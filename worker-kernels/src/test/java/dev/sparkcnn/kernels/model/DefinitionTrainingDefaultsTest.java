package dev.sparkcnn.kernels.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.kernels.optim.LrSchedule;
import dev.sparkcnn.kernels.optim.TrainingOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A definition's {@code defaults} may give weight decay, label smoothing and a schedule. */
class DefinitionTrainingDefaultsTest {

    private static String definition(String defaults) {
        return """
                {"name": "tiny", "defaults": {"optimizer": "nesterovs", "learningRate": 0.05, %s},
                 "layers": [{"type": "flatten"}, {"type": "dense", "units": "classes", "activation": "softmax"}]}
                """.formatted(defaults);
    }

    @Test
    void readWriteAndReachTheSpec() {
        NetworkDefinition d = DefinitionReader.read(definition("""
                "weightDecay": 5e-4, "labelSmoothing": 0.1,
                "schedule": {"decay": "step", "gamma": 0.2, "milestones": [3, 6], "warmupEpochs": 1}"""), "f.json",
                "tiny");
        TrainingOptions want = new TrainingOptions(5e-4, 0.1, LrSchedule.step(0.2, List.of(3, 6)).withWarmupEpochs(1),
                null);
        assertEquals(want, d.defaults().training());
        String written = DefinitionWriter.write(d);
        assertEquals(d.defaults(), DefinitionReader.read(written, "w", "tiny").defaults());
        ModelSpec spec = ModelSpec.of(d, new DatasetSpec(1, 4, 4, List.of("a", "b")), null, 1);
        assertEquals(want, spec.training(), "a spec of the definition trains with its defaults");
    }

    @Test
    void catalogueDefinitionsWriteNoTrainingFields() {
        for (String name : ModelCatalogue.names()) {
            String written = DefinitionWriter.write(ModelCatalogue.definition(name));
            assertFalse(written.contains("weightDecay") || written.contains("schedule")
                    || written.contains("labelSmoothing"), name);
            assertEquals(TrainingOptions.NONE, ModelCatalogue.definition(name).defaults().training());
        }
    }

    @Test
    void badValuesNameTheFieldAndTheFile() {
        assertBad("\"weightDecay\": -1", "weightDecay");
        assertBad("\"labelSmoothing\": 1.5", "labelSmoothing");
        assertBad("\"schedule\": {\"decay\": \"step\", \"gamma\": 2, \"stepEvery\": 2}", "gamma");
        assertBad("\"schedule\": {\"decay\": \"cosine\", \"every\": 2}", "every");
        assertBad("\"schedule\": {\"decay\": \"linear\"}", "decay");
        assertBad("\"schedule\": {\"decay\": \"step\", \"milestones\": [2, \"x\"]}", "milestones");
    }

    private static void assertBad(String defaults, String field) {
        DefinitionException e = assertThrows(DefinitionException.class,
                () -> DefinitionReader.read(definition(defaults), "bad.json", "tiny"));
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains(field), e.getMessage());
    }
}
