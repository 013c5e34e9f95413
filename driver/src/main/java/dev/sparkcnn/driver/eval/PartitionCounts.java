package dev.sparkcnn.driver.eval;

import dev.sparkcnn.kernels.EvalCounts;
import java.io.Serializable;

/** One partition's evaluation counts, as returned by its task. */
public record PartitionCounts(int partition, EvalCounts counts) implements Serializable {
}
