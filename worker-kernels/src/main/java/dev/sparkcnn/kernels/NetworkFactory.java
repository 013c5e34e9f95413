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
