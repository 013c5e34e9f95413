package dev.sparkcnn.kernels.nativeengine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Global average pooling: the mean of each channel of an NHWC image over its height and width,
 * {@code [batch, h, w, c]} to {@code [batch, c]}, through libnd4j's {@code reduce_mean} and
 * {@code reduce_mean_bp} (which spreads each gradient evenly, {@code g / (h w)}, over its channel).
 * An input in oneDNN's blocked layout ({@code [batch][c / b][h][w][b]}, see {@link Dnnl#layoutBlock})
 * is viewed as {@code [batch, c / b, h w, b]} and reduced over its third axis: the output,
 * {@code [batch, c / b, b]}, is then {@code [batch, c]} in order.
 */
final class NativeGlobalPool implements NativeLayer {

    private static final int[] SPATIAL = {1, 2};

    private final DataType dataType;
    private final long height;
    private final long width;
    private final long channels;

    private INDArray input;
    private INDArray output;
    private INDArray inputGradient;
    private INDArray lastOutputGradient;
    private PreparedOp forwardOp;
    private PreparedOp backwardOp;
    private int block; // an input of whole blocks of this many channels is blocked; 0: NHWC


    NativeGlobalPool(DataType dataType, long[] inShape) {
        if (inShape.length != 3) {
            throw new IllegalArgumentException("global average pooling needs an image input, got shape "
                    + java.util.Arrays.toString(inShape));
        }
        this.dataType = dataType;
        this.height = inShape[0];
        this.width = inShape[1];
        this.channels = inShape[2];
    }

    @Override
    public long numParams() {
        return 0;
    }

    @Override
    public long[] outputShape() {
        return new long[]{channels};
    }

    @Override
    public void bind(INDArray params, INDArray gradients, long offset) {
    }

    @Override
    public void allocate(int size) {
        release();
        output = Nd4j.create(dataType, size, channels);
        inputGradient = Nd4j.create(dataType, size, height, width, channels);
    }

    /** Every input: a blocked one through the views the class comment gives. */
    @Override
    public boolean runsBlocked(int channelBlock) {
        return true;
    }

    @Override
    public void useBlocked(int channelBlock) {
        block = channelBlock;
    }

    private boolean blocked() {
        return Dnnl.wholeBlocks(block, channels);
    }

    /** An image array (input or its gradient) as the op reads it: itself, or blocked as [batch, c / b, h w, b]. */
    private INDArray image(INDArray array) {
        return blocked() ? NativeLayer.reshapedView(array, array.size(0), channels / block, height * width, block)
                : array;
    }

    /** A [batch, c] array as the op reads it: itself, or [batch, c / b, b] when blocked. */
    private INDArray pooled(INDArray array) {
        return blocked() ? NativeLayer.reshapedView(array, array.size(0), channels / block, block) : array;
    }

    private int[] axes() {
        return blocked() ? new int[]{2} : SPATIAL;
    }

    @Override
    public INDArray forward(INDArray in) {
        if (in != input) {
            closeOps();
            input = in;
            forwardOp = new PreparedOp(DynamicCustomOp.builder("reduce_mean").addInputs(image(in))
                    .addOutputs(pooled(output)).addIntegerArguments(axes()).addBooleanArguments(false).build());
        }
        forwardOp.exec();
        return output;
    }

    @Override
    public INDArray backward(INDArray outputGradient) {
        if (backwardOp == null || outputGradient != lastOutputGradient) {
            PreparedOp.close(backwardOp);
            lastOutputGradient = outputGradient;
            backwardOp = new PreparedOp(DynamicCustomOp.builder("reduce_mean_bp")
                    .addInputs(image(input), pooled(outputGradient)).addOutputs(image(inputGradient))
                    .addIntegerArguments(axes()).addBooleanArguments(false).build());
        }
        backwardOp.exec();
        return inputGradient;
    }

    private void closeOps() {
        PreparedOp.close(forwardOp);
        PreparedOp.close(backwardOp);
        forwardOp = null;
        backwardOp = null;
        lastOutputGradient = null;
    }

    @Override
    public void release() {
        closeOps();
        NativeLayer.close(output);
        NativeLayer.close(inputGradient);
        output = null;
        inputGradient = null;
        input = null;
    }
}
