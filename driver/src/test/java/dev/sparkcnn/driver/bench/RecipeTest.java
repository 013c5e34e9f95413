package dev.sparkcnn.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.driver.config.ConfigException;
import dev.sparkcnn.driver.config.FlatConfig;
import dev.sparkcnn.driver.config.TrainingConfig;
import org.junit.jupiter.api.Test;

/** Every listed recipe loads and is a valid training configuration; an unknown or broken one is refused by name. */
class RecipeTest {

    @Test
    void everyRecipeIsAValidTrainingConfiguration() {
        for (String name : Recipe.NAMES) {
            Recipe recipe = Recipe.of(name);
            TrainingConfig config = FlatConfig.read(recipe.config("/data", "/out"));
            assertEquals("/data", config.data().path());
            assertTrue(recipe.baseline() > 0 && recipe.baseline() < 1, name);
            assertTrue(!recipe.description().isBlank() && !recipe.baselineSource().isBlank(), name);
        }
    }

    @Test
    void unknownAndBrokenRecipesAreRefusedByName() {
        ConfigException unknown = assertThrows(ConfigException.class, () -> Recipe.of("imagenet"));
        assertEquals("--recipe 'imagenet' is not a recipe; choose from fashion-mnist-vgg-bn, generated-cifar-cnn",
                unknown.getMessage());
        IllegalStateException withData = assertThrows(IllegalStateException.class, () -> Recipe.parse(
                "{\"dataset\": \"generated\", \"train\": {\"data\": \"/x\"}}", "r"));
        assertTrue(withData.getMessage().startsWith("recipe r: 'train' must be"), withData.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Recipe.parse(
                "{\"dataset\": \"generated\", \"train\": {\"epochz\": 3}}", "r"));
        assertThrows(ConfigException.class, () -> Recipe.parse(
                "{\"dataset\": \"generated\", \"train\": {\"epochs\": 0}}", "r"));
    }
}
