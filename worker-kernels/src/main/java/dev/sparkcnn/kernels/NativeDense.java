package dev.sparkcnn.kernels;

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

    private INDArray input;
    private INDArray flat;
    private INDArray preActivation;
    private INDArray output;
    private INDArray probabilities;
    private INDArray flatGradient;
    private INDArray inputGradient;
    private DynamicCustomOp activationOp;
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
        } else {
            inputGradient = flatGradient;
        }
        if (softmax) {
            probabilities = Nd4j.create(dataType, size, outputs);
            activationOp = DynamicCustomOp.builder("softmax").addInputs(output).addOutputs(probabilities)
                    .addIntegerArguments(1).build();
        } else {
            activationOp = activation.forward(preActivation, output);
        }
    }

    @Override
    public INDArray forward(INDArray in) {
        input = in;
        INDArray x = in;
        if (flat != null) {
            long size = in.size(0);
            flat.reshape('c', new long[]{size, inShape[2], inShape[0], inShape[1]}).assign(in.permute(0, 3, 1, 2));
            x = flat;
        }
        Nd4j.gemm(x, weightsT, preActivation, false, true, 1.0, 0.0);
        preActivation.addiRowVector(bias);
        if (activationOp != null) {
            Nd4j.exec(activationOp);
        }
        return softmax ? probabilities : output;
    }

    @Override
    public INDArray backward(INDArray outputGradient) {
        if (!softmax) {
            if (outputGradient != lastOutputGradient) {
                lastOutputGradient = outputGradient;
                activationBackwardOp = activation.backward(preActivation, output, outputGradient);
            }
            if (activationBackwardOp != null) {
                activationBackwardOp.run();
            }
        }
        INDArray x = flat != null ? flat : input;
        Nd4j.gemm(outputGradient, x, weightGradientT, true, false, 1.0, 0.0);
        outputGradient.sum(biasGradient, true, 0);
        Nd4j.gemm(outputGradient, weightsT, flatGradient, false, false, 1.0, 0.0);
        if (flat != null) {
            long size = flatGradient.size(0);
            inputGradient.permute(0, 3, 1, 2)
                    .assign(flatGradient.reshape('c', new long[]{size, inShape[2], inShape[0], inShape[1]}));
        }
        return inputGradient;
    }

    @Override
    public void release() {
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
        inputGradient = null;
        input = null;
        activationOp = null;
        activationBackwardOp = null;
        lastOutputGradient = null;
    }
}
