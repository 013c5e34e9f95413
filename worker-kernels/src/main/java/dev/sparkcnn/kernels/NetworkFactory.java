package dev.sparkcnn.kernels;

import dev.sparkcnn.kernels.dl4j.Dl4jEngine;
import dev.sparkcnn.kernels.model.ModelSpec;
import dev.sparkcnn.kernels.nativeengine.NativeEngine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a {@link Network} for a spec on a named engine: the registry of {@link Engine}s. */
public final class NetworkFactory {

    /** Deeplearning4j layers on ND4J, as a {@code ComputationGraph}. */
    public static final String DL4J = Dl4jEngine.NAME;

    /** Hand-written layers calling libnd4j's (oneDNN) ops directly; the same state layout as {@link #DL4J}. */
    public static final String NATIVE = NativeEngine.NAME;

    private static final Map<String, Engine> ENGINES = new LinkedHashMap<>();

    static {
        register(new Dl4jEngine());
        register(new NativeEngine());
    }

    private NetworkFactory() {
    }

    private static void register(Engine engine) {
        ENGINES.put(engine.name(), engine);
    }

    /** The engine names {@link #create} accepts. */
    public static List<String> engines() {
        return List.copyOf(ENGINES.keySet());
    }

    /**
     * How an engine runs the spec's batches of {@code batchSize} on a thread given {@code threads}
     * native threads, for logs (see {@link Engine#describeThreads}).
     *
     * @throws IllegalArgumentException if the engine is unknown
     */
    public static String describeThreads(String engine, ModelSpec spec, int batchSize, int threads) {
        return engine(engine).describeThreads(spec, batchSize, threads);
    }

    /**
     * A new network for the spec on the engine, with its parameters initialised from the spec's seed.
     *
     * @throws IllegalArgumentException if the engine is unknown
     */
    public static Network create(ModelSpec spec, String engine) {
        return engine(engine).create(spec);
    }

    private static Engine engine(String name) {
        Engine engine = name == null ? null : ENGINES.get(name);
        if (engine == null) {
            throw new IllegalArgumentException(
                    "unknown engine '" + name + "'; known engines: " + String.join(", ", engines()));
        }
        return engine;
    }
}
