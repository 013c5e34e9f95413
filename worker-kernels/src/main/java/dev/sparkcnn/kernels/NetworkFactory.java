package dev.sparkcnn.kernels;

import java.util.List;

/** Builds a {@link Network} for a spec on a named engine. */
public final class NetworkFactory {

    /** Deeplearning4j's {@code MultiLayerNetwork} layers on ND4J. */
    public static final String DL4J = Dl4jNetwork.ENGINE;

    /** Hand-written layers calling libnd4j's (oneDNN) ops directly; the same state layout as {@link #DL4J}. */
    public static final String NATIVE = NativeNetwork.ENGINE;

    private NetworkFactory() {
    }

    /** The engine names {@link #create} accepts. */
    public static List<String> engines() {
        return List.of(DL4J, NATIVE);
    }

    /**
     * How an engine runs a batch of {@code batchSize} on a thread given {@code threads} native
     * threads, for logs: engine {@code native} splits it into slices, one per thread (at least
     * {@value NativeNetwork#MIN_SLICE} examples each); {@code dl4j} gives every op all threads.
     */
    public static String describeThreads(String engine, int batchSize, int threads) {
        if (NATIVE.equals(engine)) {
            int slices = NativeNetwork.slices(batchSize, threads);
            if (slices > 1) {
                return "batches of " + batchSize + " split into " + slices + " slices on " + slices
                        + " threads, " + Math.max(1, threads / slices) + " native thread(s) each";
            }
        }
        return "batches of " + batchSize + " whole, " + threads + " native thread(s) per op";
    }

    /**
     * A new network for the spec on the engine, with its parameters initialised from the spec's seed.
     *
     * @throws IllegalArgumentException if the engine is unknown
     */
    public static Network create(ModelSpec spec, String engine) {
        if (DL4J.equals(engine)) {
            return new Dl4jNetwork(spec);
        }
        if (NATIVE.equals(engine)) {
            return new NativeNetwork(spec);
        }
        throw new IllegalArgumentException(
                "unknown engine '" + engine + "'; known engines: " + String.join(", ", engines()));
    }
}
