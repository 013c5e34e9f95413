package dev.sparkcnn.kernels.nativeengine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An element-wise activation as a layer of its own (after batch normalization, or a definition's
 * {@code activation} layer), on activations of any shape. Its output is its own array (the layer
 * before may need its output for its backward); its backward works in place on the gradient it is
 * given and returns that same array.
 */
final class NativeActivationLayer implements NativeLayer {

    private final DataType dataType;
    private final long[] shape;
    private final NativeActivation activation;

    private INDArray input;
    private INDArray output;
    private PreparedOp forwardOp;
    private Runnable backwardOp;
    private INDArray lastOutputGradient;

    NativeActivationLayer(DataType dataType, long[] shape, NativeActivation activation) {
        this.dataType = dataType;
        this.shape = shape.clone();
        this.activation = activation;
    }

    @Override
    public long numParams() {
        return 0;
    }

    @Override
    public long[] outputShape() {
        return shape.clone();
    }

    @Override
    public void bind(INDArray params, INDArray gradients, long offset) {
    }

    @Override
    public void allocate(int size) {
        release();
        long[] full = new long[shape.length + 1];
        full[0] = size;
        System.arraycopy(shape, 0, full, 1, shape.length);
        output = Nd4j.create(dataType, full);
    }

    @Override
    public INDArray forward(INDArray in) {
        if (in != input) {
            PreparedOp.close(forwardOp);
            input = in;
            lastOutputGradient = null;
            DynamicCustomOp op = activation.forward(in, output);
            forwardOp = op == null ? null : new PreparedOp(op);
        }
        if (forwardOp == null) {
            output.assign(in);
        } else {
            forwardOp.exec();
        }
        return output;
    }

    @Override
    public INDArray backward(INDArray outputGradient) {
        if (outputGradient != lastOutputGradient) {
            lastOutputGradient = outputGradient;
            backwardOp = activation.backward(input, output, outputGradient);
        }
        if (backwardOp != null) {
            backwardOp.run();
        }
        return outputGradient;
    }

    @Override
    public void release() {
        PreparedOp.close(forwardOp);
        NativeLayer.close(output);
        forwardOp = null;
        backwardOp = null;
        output = null;
        input = null;
        lastOutputGradient = null;
    }
}
