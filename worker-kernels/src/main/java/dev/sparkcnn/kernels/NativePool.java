package dev.sparkcnn.kernels;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Square max-pooling with stride = window, remainder rows and columns dropped (DL4J's
 * {@code Truncate} mode), on NHWC activations through libnd4j's {@code maxpool2d}/{@code maxpool2d_bp}.
 */
final class NativePool implements NativeLayer {

    private static final int NHWC = 1;

    private final DataType dataType;
    private final int window;
    private final long inHeight;
    private final long inWidth;
    private final long channels;

    private INDArray input;
    private INDArray output;
    private INDArray inputGradient;
    private DynamicCustomOp forwardOp;
    private DynamicCustomOp backwardOp;

    NativePool(DataType dataType, long[] inShape, int window) {
        this.dataType = dataType;
        this.window = window;
        this.inHeight = inShape[0];
        this.inWidth = inShape[1];
        this.channels = inShape[2];
    }

    @Override
    public long numParams() {
        return 0;
    }

    @Override
    public long[] outputShape() {
        return new long[]{inHeight / window, inWidth / window, channels};
    }

    @Override
    public void bind(INDArray params, INDArray gradients, long offset) {
    }

    @Override
    public void allocate(int size) {
        release();
        output = Nd4j.create(dataType, size, inHeight / window, inWidth / window, channels);
        inputGradient = Nd4j.create(dataType, size, inHeight, inWidth, channels);
    }

    @Override
    public INDArray forward(INDArray in) {
        if (in != input) {
            input = in;
            forwardOp = DynamicCustomOp.builder("maxpool2d").addInputs(in).addOutputs(output)
                    .addIntegerArguments(arguments()).build();
            backwardOp = null;
        }
        Nd4j.exec(forwardOp);
        return output;
    }

    @Override
    public INDArray backward(INDArray outputGradient) {
        if (backwardOp == null || backwardOp.getInputArgument(1) != outputGradient) {
            backwardOp = DynamicCustomOp.builder("maxpool2d_bp").addInputs(input, outputGradient)
                    .addOutputs(inputGradient).addIntegerArguments(arguments()).build();
        }
        Nd4j.exec(backwardOp);
        return inputGradient;
    }

    private int[] arguments() {
        // kH, kW, sH, sW, pH, pW, dH, dW, same mode, extra (unused by max), data format
        return new int[]{window, window, window, window, 0, 0, 1, 1, 0, 0, NHWC};
    }

    @Override
    public void release() {
        NativeLayer.close(output);
        NativeLayer.close(inputGradient);
        output = null;
        inputGradient = null;
        input = null;
        forwardOp = null;
        backwardOp = null;
    }
}
