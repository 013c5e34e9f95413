package dev.sparkcnn.kernels;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Square-kernel convolution with bias and an activation (ReLU in the catalogue models), on NHWC
 * activations through libnd4j's {@code conv2d}/{@code conv2d_bp} (oneDNN where available).
 * Parameters in DL4J's layout: bias {@code [out]}, then weights {@code [out, in, k, k]} ('c'), which
 * libnd4j reads directly as weight format 1, so no conversion is needed in either direction.
 *
 * <p>Padding is either explicit ({@code padding} zeros on every side; output
 * {@code (in + 2 padding - k) / stride + 1}, remainder dropped) or libnd4j's 'same' mode (output
 * {@code ceil(in / stride)}; the total padding {@code (out - 1) stride + k - in} is split with the
 * smaller half at the top/left, as TensorFlow does).
 */
final class NativeConv implements NativeLayer {

    private static final int NHWC = 1;
    private static final int WEIGHTS_OIHW = 1;

    private final DataType dataType;
    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final boolean same;
    private final NativeActivation activation;
    private final long inHeight;
    private final long inWidth;
    private final long outHeight;
    private final long outWidth;

    private INDArray weights;
    private INDArray bias;
    private INDArray weightGradient;
    private INDArray biasGradient;

    private INDArray input;
    private INDArray preActivation;
    private INDArray output;
    private INDArray inputGradient;
    private DynamicCustomOp forwardOp;
    private DynamicCustomOp activationOp;
    private DynamicCustomOp activationBackwardOp;
    private DynamicCustomOp backwardOp;
    private INDArray lastOutputGradient;

    /** Stride 1, explicit padding, ReLU: the catalogue models' convolution. */
    NativeConv(DataType dataType, long[] inShape, int outChannels, int kernel, int padding) {
        this(dataType, inShape, outChannels, kernel, 1, padding, false, NativeActivation.RELU);
    }

    /** With {@code same}, {@code padding} must be 0 (libnd4j computes it). */
    NativeConv(DataType dataType, long[] inShape, int outChannels, int kernel, int stride, int padding, boolean same,
               NativeActivation activation) {
        if (kernel < 1 || stride < 1 || padding < 0 || (same && padding != 0)) {
            throw new IllegalArgumentException("convolution kernel " + kernel + ", stride " + stride + ", padding "
                    + padding + (same ? " (same mode)" : "") + ": need kernel, stride >= 1, padding >= 0, and "
                    + "padding 0 in same mode");
        }
        this.dataType = dataType;
        this.inHeight = inShape[0];
        this.inWidth = inShape[1];
        this.inChannels = (int) inShape[2];
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.same = same;
        this.activation = activation;
        this.outHeight = outSize(inHeight);
        this.outWidth = outSize(inWidth);
        if (outHeight < 1 || outWidth < 1) {
            throw new IllegalArgumentException("a " + kernel + "x" + kernel + " convolution with padding " + padding
                    + " does not fit a " + inHeight + "x" + inWidth + " input");
        }
    }

    private long outSize(long in) {
        return same ? (in + stride - 1) / stride : Math.floorDiv(in + 2L * padding - kernel, stride) + 1;
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
        preActivation = activation.inPlace() ? output : Nd4j.create(dataType, size, outHeight, outWidth, outChannels);
        inputGradient = Nd4j.create(dataType, size, inHeight, inWidth, inChannels);
        activationOp = activation.forward(preActivation, output);
    }

    @Override
    public INDArray forward(INDArray in) {
        if (in != input) { // the previous layer's output array: the same one every step
            input = in;
            forwardOp = DynamicCustomOp.builder("conv2d").addInputs(in, weights, bias).addOutputs(preActivation)
                    .addIntegerArguments(arguments()).build();
            backwardOp = null;
        }
        Nd4j.exec(forwardOp);
        if (activationOp != null) {
            Nd4j.exec(activationOp);
        }
        return output;
    }

    @Override
    public INDArray backward(INDArray outputGradient) {
        if (outputGradient != lastOutputGradient) { // the next layer's input gradient: the same one every step
            lastOutputGradient = outputGradient;
            activationBackwardOp = activation.backward(preActivation, output, outputGradient);
            backwardOp = null;
        }
        if (backwardOp == null) {
            backwardOp = DynamicCustomOp.builder("conv2d_bp").addInputs(input, weights, bias, outputGradient)
                    .addOutputs(inputGradient, weightGradient, biasGradient).addIntegerArguments(arguments()).build();
        }
        if (activationBackwardOp != null) {
            Nd4j.exec(activationBackwardOp);
        }
        Nd4j.exec(backwardOp);
        return inputGradient;
    }

    private int[] arguments() {
        // kH, kW, sH, sW, pH, pW, dH, dW, same mode, data format, weight format
        return new int[]{kernel, kernel, stride, stride, padding, padding, 1, 1, same ? 1 : 0, NHWC, WEIGHTS_OIHW};
    }

    @Override
    public void release() {
        if (preActivation != output) {
            NativeLayer.close(preActivation);
        }
        NativeLayer.close(output);
        NativeLayer.close(inputGradient);
        preActivation = null;
        output = null;
        inputGradient = null;
        input = null;
        forwardOp = null;
        activationOp = null;
        activationBackwardOp = null;
        backwardOp = null;
        lastOutputGradient = null;
    }
}
