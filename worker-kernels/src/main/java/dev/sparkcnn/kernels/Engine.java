package dev.sparkcnn.kernels;

import dev.sparkcnn.kernels.model.ModelSpec;

/**
 * A library that computes a {@link Network}'s layers, registered by name in {@link NetworkFactory}.
 * Every engine gives the same spec the same state layout, so a state moves freely between engines.
 */
public interface Engine {

    /** The name options and config files use. */
    String name();

    /** A new network for the spec, its parameters initialised from the spec's seed. */
    Network create(ModelSpec spec);

    /** How this engine runs the spec's batches of {@code batchSize} given {@code threads} native threads, for logs. */
    default String describeThreads(ModelSpec spec, int batchSize, int threads) {
        return "batches of " + batchSize + " whole, " + threads + " native thread(s) per op";
    }
}
