package dev.sparkcnn.kernels.nativeengine;

import dev.sparkcnn.kernels.Engine;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.model.ModelSpec;

/**
 * Engine {@code native}: hand-written layers, NHWC, on oneDNN called directly (float convolutions,
 * Winograd's where they gain, batch norms, poolings and residual additions) and libnd4j's (oneDNN) ops.
 */
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
        String split = slices > 1
                ? "batches of " + batchSize + " split into " + slices + " slices on " + slices
                        + " threads, " + Math.max(1, threads / slices) + " native thread(s) each"
                : Engine.super.describeThreads(spec, batchSize, threads);
        return split + "; " + directOneDnn() + layout(spec);
    }

    /** How the network's layers hand activations on, when oneDNN is called directly. */
    private static String layout(ModelSpec spec) {
        if (!Dnnl.available()) {
            return "";
        }
        int block = NativeCompiler.compile(spec, org.nd4j.linalg.api.buffer.DataType.FLOAT).block();
        return block > 0 ? "; activations in oneDNN's blocked layout (nChw" + block + "c) between layers"
                : "; activations NHWC between layers" + (Dnnl.layoutBlock() == 0 ? " (-D" + Dnnl.BLOCKED_PROPERTY
                        + "=off or no blocked kernels)" : "");
    }

    /**
     * Which path float convolutions and batch norms take, for logs and benchmark headers: oneDNN
     * called directly ({@link Dnnl}), or libnd4j's ops and why.
     */
    public static String directOneDnn() {
        if (Dnnl.available()) {
            return "float convolutions, batch norms and poolings in oneDNN " + Dnnl.version() + ", called directly; "
                    + Dnnl.winogradStatus();
        }
        String why = Dnnl.unavailableReason();
        return "float convolutions and batch norms on libnd4j's ops (oneDNN direct: "
                + (why == null ? "turned off on this thread" : why) + ")";
    }
}
