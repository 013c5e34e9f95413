package dev.sparkcnn.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.driver.SparkTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CI's convergence check: the {@code generated-cifar-cnn} recipe, single-process and with gradient
 * sharing on two partitions, must reach its bar (0.9, chance is 0.2) on the generated set. Fails if
 * a change to the layers, the optimizer or a strategy stops a catalogue network from learning.
 */
@SparkTest
class RecipeConvergenceTest {

    @Test
    void theGeneratedRecipeConvergesSingleProcessAndDistributed() {
        Recipe recipe = Recipe.of("generated-cifar-cnn");
        StringWriter printed = new StringWriter();
        List<AccuracyBenchmark.Row> rows = new AccuracyBenchmark(recipe, null, "local[2]", null,
                List.of(AccuracyBenchmark.SINGLE, "gradient-sharing")).run(new PrintWriter(printed, true));
        assertEquals(2, rows.size(), printed.toString());
        for (AccuracyBenchmark.Row row : rows) {
            assertTrue(row.accuracy() >= recipe.baseline(), row + "\n" + printed);
        }
        assertTrue(printed.toString().contains("spread (best - worst test accuracy)"), printed.toString());
    }
}
