package dev.sparkcnn.driver.train;

import dev.sparkcnn.kernels.ModelState;
import java.util.List;

/** What a strategy hands back: the trained state and the history of its rounds. */
public record TrainingResult(ModelState state, List<RoundStats> rounds) {
}
