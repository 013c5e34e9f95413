package dev.sparkcnn.kernels.nativeengine;

import dev.sparkcnn.kernels.Engine;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.model.ModelSpec;

/** Engine {@code native}: hand-written layers calling libnd4j's (oneDNN) ops directly, NHWC. */
public final class NativeEngine implements Engine {

    /** This engine's name. */
    public static final String NAME = "native";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Network create(ModelSpec spec) {
        return new NativeNetwork(spec);
    }

    /**
     * Splits a batch into slices, one per thread (at least {@value NativeNetwork#MIN_SLICE}
     * examples each), when that gives more than one slice and the network has no batch
     * normalization (whose statistics span the batch).
     */
    @Override
    public String describeThreads(ModelSpec spec, int batchSize, int threads) {
        int slices = NativeCompiler.hasBatchNorm(spec.definition().layers()) ? 1 : NativeNetwork.slices(batchSize, threads);
        if (slices > 1) {
            return "batches of " + batchSize + " split into " + slices + " slices on " + slices
                    + " threads, " + Math.max(1, threads / slices) + " native thread(s) each";
        }
        return Engine.super.describeThreads(spec, batchSize, threads);
    }
}
