package dev.sparkcnn.kernels;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Square-kernel convolution, stride 1, with bias and ReLU, on NHWC activations through libnd4j's
 * {@code conv2d}/{@code conv2d_bp} (oneDNN where available). Parameters in DL4J's layout: bias
 * {@code [out]}, then weights {@code [out, in, k, k]} ('c'), which libnd4j reads directly as weight
 * format 1, so no conversion is needed in either direction.
 */
final class NativeConv implements NativeLayer {

    private static final int NHWC = 1;
    private static final int WEIGHTS_OIHW = 1;

    private final DataType dataType;
    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int padding;
    private final long inHeight;
    private final long inWidth;
    private final long outHeight;
    private final long outWidth;

    private INDArray weights;
    private INDArray bias;
    private INDArray weightGradient;
    private INDArray biasGradient;

    private INDArray input;
    private INDArray output;
    private INDArray inputGradient;
    private DynamicCustomOp forwardOp;
    private DynamicCustomOp reluOp;
    private DynamicCustomOp reluBackwardOp;
    private DynamicCustomOp backwardOp;

    NativeConv(DataType dataType, long[] inShape, int outChannels, int kernel, int padding) {
        this.dataType = dataType;
        this.inHeight = inShape[0];
        this.inWidth = inShape[1];
        this.inChannels = (int) inShape[2];
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.padding = padding;
        this.outHeight = inHeight + 2L * padding - kernel + 1;
        this.outWidth = inWidth + 2L * padding - kernel + 1;
    }

    @Override
    public long numParams() {
        return outChannels + (long) outChannels * inChannels * kernel * kernel;
    }

    @Override
    public long[] outputShape() {
        return new long[]{outHeight, outWidth, outChannels};
    }

    @Override
    public void bind(INDArray params, INDArray gradients, long offset) {
        bias = NativeLayer.view(params, offset, outChannels);
        weights = NativeLayer.view(params, offset + outChannels, outChannels, inChannels, kernel, kernel);
        biasGradient = NativeLayer.view(gradients, offset, outChannels);
        weightGradient = NativeLayer.view(gradients, offset + outChannels, outChannels, inChannels, kernel, kernel);
    }

    @Override
    public void allocate(int size) {
        release();
        output = Nd4j.create(dataType, size, outHeight, outWidth, outChannels);
        inputGradient = Nd4j.create(dataType, size, inHeight, inWidth, inChannels);
        reluOp = DynamicCustomOp.builder("relu").addInputs(output).addOutputs(output)
                .addFloatingPointArguments(0.0).build();
    }

    @Override
    public INDArray forward(INDArray in) {
        if (in != input) { // the previous layer's output array: the same one every step
            input = in;
            forwardOp = DynamicCustomOp.builder("conv2d").addInputs(in, weights, bias).addOutputs(output)
                    .addIntegerArguments(arguments()).build();
            backwardOp = null;
        }
        Nd4j.exec(forwardOp);
        Nd4j.exec(reluOp);
        return output;
    }

    @Override
    public INDArray backward(INDArray outputGradient) {
        if (reluBackwardOp == null || reluBackwardOp.getInputArgument(1) != outputGradient) {
            // relu(z) > 0 exactly where z > 0, so the stored activation serves as relu_bp's input
            reluBackwardOp = DynamicCustomOp.builder("relu_bp").addInputs(output, outputGradient)
                    .addOutputs(outputGradient).build();
            backwardOp = null;
        }
        if (backwardOp == null) {
            backwardOp = DynamicCustomOp.builder("conv2d_bp").addInputs(input, weights, bias, outputGradient)
                    .addOutputs(inputGradient, weightGradient, biasGradient).addIntegerArguments(arguments()).build();
        }
        Nd4j.exec(reluBackwardOp);
        Nd4j.exec(backwardOp);
        return inputGradient;
    }

    private int[] arguments() {
        // kH, kW, sH, sW, pH, pW, dH, dW, same mode, data format, weight format
        return new int[]{kernel, kernel, 1, 1, padding, padding, 1, 1, 0, NHWC, WEIGHTS_OIHW};
    }

    @Override
    public void release() {
        NativeLayer.close(output);
        NativeLayer.close(inputGradient);
        output = null;
        inputGradient = null;
        input = null;
        forwardOp = null;
        reluOp = null;
        reluBackwardOp = null;
        backwardOp = null;
    }
}
