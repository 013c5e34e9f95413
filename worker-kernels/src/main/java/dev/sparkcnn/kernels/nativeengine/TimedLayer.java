package dev.sparkcnn.kernels.nativeengine;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer that adds up the wall time of its {@link #forward} and {@link #backward} calls, for
 * {@link NativeKernelBench#timeLayersInNetwork}; everything else goes straight to the layer.
 */
final class TimedLayer implements NativeLayer {

    private final NativeLayer layer;
    private long forwardNanos;
    private long backwardNanos;

    TimedLayer(NativeLayer layer) {
        this.layer = layer;
    }

    NativeLayer layer() {
        return layer;
    }

    long forwardNanos() {
        return forwardNanos;
    }

    long backwardNanos() {
        return backwardNanos;
    }

    void reset() {
        forwardNanos = 0;
        backwardNanos = 0;
    }

    @Override
    public INDArray forward(INDArray input) {
        long t0 = System.nanoTime();
        INDArray out = layer.forward(input);
        forwardNanos += System.nanoTime() - t0;
        return out;
    }

    @Override
    public INDArray backward(INDArray outputGradient) {
        long t0 = System.nanoTime();
        INDArray in = layer.backward(outputGradient);
        backwardNanos += System.nanoTime() - t0;
        return in;
    }

    @Override
    public long numParams() {
        return layer.numParams();
    }

    @Override
    public long[] outputShape() {
        return layer.outputShape();
    }

    @Override
    public void bind(INDArray params, INDArray gradients, long offset) {
        layer.bind(params, gradients, offset);
    }

    @Override
    public void allocate(int size) {
        layer.allocate(size);
    }

    @Override
    public void release() {
        layer.release();
    }

    @Override
    public boolean overwritesOutputGradient() {
        return layer.overwritesOutputGradient();
    }

    @Override
    public boolean backwardReadsOutput() {
        return layer.backwardReadsOutput();
    }

    @Override
    public void begin(StepContext context) {
        layer.begin(context);
    }

    @Override
    public boolean runsBlocked(int block) {
        return layer.runsBlocked(block);
    }

    @Override
    public void useBlocked(int block) {
        layer.useBlocked(block);
    }
}
