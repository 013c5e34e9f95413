package dev.sparkcnn.driver.store;

import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.datasets.Normalization;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.ModelState;

/**
 * A trained model as stored: what network it is, which data it expects, how pixels are scaled,
 * and its full training state (so training can continue from it).
 */
public record SavedModel(ModelSpec spec, String engine, DatasetSpec data, Normalization normalization,
                         ModelState state) {
}
