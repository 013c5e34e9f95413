package dev.sparkcnn.kernels.nativeengine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fully connected layer with an activation (ReLU in the catalogue models), or the softmax output
 * layer, through {@code Nd4j.gemm}.
 * Parameters in DL4J's layout: weights {@code [in, out]} in 'f' order (the same memory as a 'c'
 * {@code [out, in]} matrix, which is what this layer views), then bias {@code [out]}. An NHWC image
 * input is flattened the way DL4J flattens NCHW activations: 'c' order of {@code [c, h, w]}.
 *
 * <p>The softmax layer's {@link #backward} takes the gradient with respect to its pre-softmax
 * values (for softmax with cross-entropy: probabilities minus one-hot labels, over the batch size).
 */
final class NativeDense implements NativeLayer {

    private final DataType dataType;
    private final long[] inShape;
    private final long inputs;
    private final int outputs;
    private final boolean softmax;
    private final NativeActivation activation;

    private INDArray weightsT;
    private INDArray bias;
    private INDArray weightGradientT;
    private INDArray biasGradient;

    private INDArray flat;
    private INDArray preActivation;
    private INDArray output;
    private INDArray probabilities;
    private INDArray flatGradient;
    private INDArray inputGradient;
    private PreparedOp activationOp;
    private PreparedOp forwardGemm;
    private INDArray forwardInput;
    private INDArray gemmInput;          // what the gemms read: flat, or forwardInput itself
    private INDArray forwardInputNchw;   // forwardInput (NHWC) viewed as NCHW
    private INDArray flatNchw;           // flat viewed as [batch, c, h, w]
    private INDArray flatGradientNchw;   // flatGradient viewed as [batch, c, h, w]
    private INDArray inputGradientNchw;  // inputGradient (NHWC) viewed as NCHW
    private PreparedOp weightGradientGemm;
    private PreparedOp inputGradientGemm;
    private Runnable activationBackwardOp;
    private INDArray lastOutputGradient;

    /** The softmax output layer, or (not {@code softmax}) a ReLU layer as in the catalogue models. */
    NativeDense(DataType dataType, long[] inShape, int outputs, boolean softmax) {
        this(dataType, inShape, outputs, softmax ? NativeActivation.IDENTITY : NativeActivation.RELU, softmax);
    }

    /** A hidden layer with the given activation. */
    NativeDense(DataType dataType, long[] inShape, int outputs, NativeActivation activation) {
        this(dataType, inShape, outputs, activation, false);
    }

    private NativeDense(DataType dataType, long[] inShape, int outputs, NativeActivation activation, boolean softmax) {
        this.activation = activation;
        this.dataType = dataType;
        this.inShape = inShape.clone();
        this.inputs = NativeLayer.size(inShape);
        this.outputs = outputs;
        this.softmax = softmax;
    }

    @Override
    public long numParams() {
        return inputs * outputs + outputs;
    }

    @Override
    public long[] outputShape() {
        return new long[]{outputs};
    }

    @Override
    public void bind(INDArray params, INDArray gradients, long offset) {
        weightsT = NativeLayer.view(params, offset, outputs, inputs);
        bias = NativeLayer.view(params, offset + inputs * outputs, 1, outputs);
        weightGradientT = NativeLayer.view(gradients, offset, outputs, inputs);
        biasGradient = NativeLayer.view(gradients, offset + inputs * outputs, 1, outputs);
    }

    @Override
    public void allocate(int size) {
        release();
        output = Nd4j.create(dataType, size, outputs);
        preActivation = activation.inPlace() ? output : Nd4j.create(dataType, size, outputs);
        flatGradient = Nd4j.create(dataType, size, inputs);
        if (inShape.length == 3) { // NHWC images: flatten through an NCHW copy
            flat = Nd4j.create(dataType, size, inputs);
            inputGradient = Nd4j.create(dataType, size, inShape[0], inShape[1], inShape[2]);
            long[] nchw = {size, inShape[2], inShape[0], inShape[1]};
            flatNchw = NativeLayer.reshapedView(flat, nchw);
            flatGradientNchw = NativeLayer.reshapedView(flatGradient, nchw);
            inputGradientNchw = inputGradient.permute(0, 3, 1, 2);
        } else {
            inputGradient = flatGradient;
        }
        if (softmax) {
            probabilities = Nd4j.create(dataType, size, outputs);
            activationOp = new PreparedOp(DynamicCustomOp.builder("softmax").addInputs(output)
                    .addOutputs(probabilities).addIntegerArguments(1).build());
        } else {
            DynamicCustomOp activate = activation.forward(preActivation, output);
            activationOp = activate == null ? null : new PreparedOp(activate);
        }
    }

    @Override
    public INDArray forward(INDArray in) {
        if (in != forwardInput) { // the previous layer's output array: the same one every step
            closeGemms();
            forwardInput = in;
            forwardInputNchw = flat != null ? in.permute(0, 3, 1, 2) : null;
            gemmInput = flat != null ? flat : in;
            forwardGemm = PreparedOp.gemm(gemmInput, weightsT, preActivation, false, true);
        }
        if (flat != null) {
            flatNchw.assign(forwardInputNchw);
        }
        forwardGemm.exec();
        preActivation.addiRowVector(bias);
        if (activationOp != null) {
            activationOp.exec();
        }
        return softmax ? probabilities : output;
    }

    @Override
    public INDArray backward(INDArray outputGradient) {
        if (!softmax) {
            if (outputGradient != lastOutputGradient) {
                activationBackwardOp = activation.backward(preActivation, output, outputGradient);
            }
            if (activationBackwardOp != null) {
                activationBackwardOp.run();
            }
        }
        if (outputGradient != lastOutputGradient || weightGradientGemm == null) {
            lastOutputGradient = outputGradient;
            PreparedOp.close(weightGradientGemm);
            PreparedOp.close(inputGradientGemm);
            weightGradientGemm = PreparedOp.gemm(outputGradient, gemmInput, weightGradientT, true, false);
            inputGradientGemm = PreparedOp.gemm(outputGradient, weightsT, flatGradient, false, false);
        }
        weightGradientGemm.exec();
        outputGradient.sum(biasGradient, true, 0);
        inputGradientGemm.exec();
        if (flat != null) {
            inputGradientNchw.assign(flatGradientNchw);
        }
        return inputGradient;
    }

    private void closeGemms() {
        PreparedOp.close(forwardGemm);
        PreparedOp.close(weightGradientGemm);
        PreparedOp.close(inputGradientGemm);
        forwardGemm = null;
        forwardInput = null;
        forwardInputNchw = null;
        gemmInput = null;
        weightGradientGemm = null;
        inputGradientGemm = null;
        lastOutputGradient = null;
    }

    @Override
    public void release() {
        closeGemms();
        PreparedOp.close(activationOp);
        if (preActivation != output) {
            NativeLayer.close(preActivation);
        }
        NativeLayer.close(output);
        NativeLayer.close(probabilities);
        NativeLayer.close(flat);
        if (inputGradient != flatGradient) {
            NativeLayer.close(inputGradient);
        }
        NativeLayer.close(flatGradient);
        preActivation = null;
        output = null;
        probabilities = null;
        flat = null;
        flatGradient = null;
        flatNchw = null;
        flatGradientNchw = null;
        inputGradientNchw = null;
        inputGradient = null;
        activationOp = null;
        activationBackwardOp = null;
        lastOutputGradient = null;
    }

    /** Flat inputs, and images whose channels do not fill whole blocks: its flattening reads NHWC. */
    @Override
    public boolean runsBlocked(int channelBlock) {
        return inShape.length != 3 || !Dnnl.wholeBlocks(channelBlock, inShape[2]);
    }

    /** Nothing changes: {@link #runsBlocked} allows no blocked activation here. */
    @Override
    public void useBlocked(int channelBlock) {
    }
}
