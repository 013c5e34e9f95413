package dev.sparkcnn.kernels.nativeengine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch normalization per channel of NHWC activations (per feature of {@code [batch, features]}
 * ones), with an optional activation after it. Float layers with no activation or a ReLU call
 * oneDNN directly ({@link DnnlBatchNorm}: one primitive each way, the ReLU fused); the rest run
 * prepared libnd4j ops over the input viewed as
 * {@code [rows, channels]}, each one memory pass over activations that mostly sit in the L3 cache:
 * <ul>
 *   <li>per-channel sums are gemms with a row of ones (or of {@code -1/rows}, {@code 1/rows}):
 *       {@code reduce_sum} along the rows took 5-8 ms on {@code [32768, 32]} floats, the gemm 0.5;</li>
 *   <li>centring is a {@code biasadd} of the negated mean; the variance is the mean of the centred
 *       values' squares (two passes, not {@code E[x^2] - mean^2}, which cancels badly in float when
 *       the mean is large against the spread);</li>
 *   <li>every per-channel affine map {@code a x + b} is libnd4j's {@code batchnorm} op over a 4-d
 *       {@code [rows, 1, 1, channels]} view (oneDNN's kernel in float), given mean 0, a variance
 *       and a scale {@code a sqrt(var + eps)}: on {@code [65536, 16]} floats at 2 threads it took
 *       0.17 ms, a broadcasting {@code multiply} 0.36 ms and the same op over the 2-d view 2.6 ms.
 *       Normalising is that map with {@code gamma, beta}; the backward pass's input gradient is
 *       two of them, {@code k g} and {@code c (x - mean) + b}, and one add.</li>
 * </ul>
 * A training step is six ops forward (mean, centre, square, variance, normalise, ReLU) and eight
 * backward (ReLU mask as two, two sums, a product, two affine maps, an add); on 64x32x32x16 floats
 * that measured 0.4 and 0.8 ms against 1.1 and 1.4-2.9 ms for the broadcasting version before it.
 *
 * <p>Parameters, each {@code [channels]}: scale {@code gamma}, shift {@code beta} (trained), then
 * running mean and running variance (not trained). <b>How the running statistics move</b>, as
 * {@link NativeLayer}'s contract asks: a training forward pass updates them in place,
 * {@code running = momentum running + (1 - momentum) batch}, and the backward pass writes zeros to
 * their gradient positions, so the optimizer leaves them alone. With batch slices only the slice
 * holding the batch's first row ({@link StepContext#firstRow} 0) writes them, from its own rows'
 * statistics, so the shared buffer has one writer and the result is deterministic for a given
 * slicing (one slice: the whole batch's statistics). The batch variance is the biased one (divided
 * by the rows), as DL4J and Keras use, for normalising and for the running update.
 *
 * <p>Training ({@link StepContext#training}) normalises with the batch's statistics and
 * back-propagates through them; inference uses the running ones (the backward pass then treats
 * them as constants and writes zero running-statistics slots).
 */
final class NativeBatchNorm implements NativeLayer {


    private final DataType dataType;
    private final long[] shape;
    private final int channels;
    private final double momentum;
    private final double epsilon;
    private final NativeActivation activation;
    private StepContext context = StepContext.TRAINING;
    private boolean reluLeftToPooling; // forward and backward, by the max-pooling after it (see leaveReluToPooling)

    private INDArray gamma;
    private INDArray beta;
    private INDArray runningMean;
    private INDArray runningVar;
    private INDArray gammaGradient;
    private INDArray betaGradient;
    private INDArray meanGradient;
    private INDArray varGradient;

    private long rows;
    private INDArray input;
    private INDArray input2d;
    private INDArray centred;      // x - mean, [rows, channels]
    private INDArray preActivation;
    private INDArray output;
    private INDArray inputGradient;
    private INDArray inputGradient2d;
    private INDArray negatedMean;  // [1, channels]: minus the mean used, the batch's or the running one
    private INDArray negatedMeanVector; // the same as [channels], for biasadd
    private INDArray variance;     // [1, channels]: the variance used, the batch's (biased) or the running one
    private INDArray varianceVector; // the same as [channels], for the batchnorm op
    private INDArray zeros;        // [channels] of 0: the mean given to the batchnorm op (its input is centred)
    private INDArray ones;         // [1, rows] of 1
    private INDArray reciprocals;  // [1, rows] of 1 / rows
    private INDArray negatedReciprocals; // [1, rows] of -1 / rows
    private INDArray centredScale; // backward: c sqrt(var + eps), so that the batchnorm op multiplies (x - mean) by c
    private INDArray constant;     // backward: the input gradient's per-channel constant
    private INDArray gradientProducts; // [1, channels]: sum of g (x - mean) per channel
    private INDArray betaGradientRow;  // betaGradient as [1, channels]
    private double[] invStd;
    private boolean trainedForward;

    private PreparedOp meanOp;
    private PreparedOp centreOp;
    private PreparedOp squareOp;
    private PreparedOp varianceOp;
    private PreparedOp normaliseOp;
    private PreparedOp activationOp;
    private INDArray lastOutputGradient;
    private Runnable activationBackwardOp;
    private PreparedOp[] backwardOps;

    // float, identity or ReLU: oneDNN called directly (see Dnnl), one primitive each way; else null
    private DnnlBatchNorm dnnl;
    private int block; // activations of whole blocks of this many channels blocked; 0: NHWC
    private INDArray gammaAndBeta;         // [2 channels]: gamma then beta, as they lie in the parameters
    private INDArray gammaAndBetaGradient; // their gradients, likewise
    private INDArray batchMean;            // [channels]: the batch's statistics, oneDNN's output in training
    private INDArray batchVariance;
    private int allocatedSize;

    /** {@code shape}: the per-example NHWC or feature shape; channels are its last dimension. */
    NativeBatchNorm(DataType dataType, long[] shape, double momentum, double epsilon, NativeActivation activation) {
        if (!(momentum >= 0 && momentum < 1) || !(epsilon > 0)) {
            throw new IllegalArgumentException("batch normalization momentum " + momentum + ", epsilon " + epsilon
                    + ": need 0 <= momentum < 1 and epsilon > 0");
        }
        this.dataType = dataType;
        this.shape = shape.clone();
        this.channels = (int) shape[shape.length - 1];
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.activation = activation;
    }

    /**
     * For a ReLU batch norm followed by max-pooling that does the ReLU itself
     * ({@link NativePool#takeOverReluOfInput}): the output is then the normalised values, and the
     * ReLU runs neither forward nor backward here, as {@link NativeConv#leaveReluToPooling} explains.
     * Bit-identical.
     */
    void leaveReluToPooling() {
        if (activation != NativeActivation.RELU) {
            throw new IllegalStateException("only a ReLU can be left to the pooling after it");
        }
        reluLeftToPooling = true;
        if (dnnl != null) { // built with the ReLU fused: rebuild without it
            allocate(allocatedSize);
        }
    }

    boolean isRelu() {
        return activation == NativeActivation.RELU;
    }

    @Override
    public long numParams() {
        return 4L * channels;
    }

    @Override
    public long[] outputShape() {
        return shape.clone();
    }

    @Override
    public void bind(INDArray params, INDArray gradients, long offset) {
        gamma = NativeLayer.view(params, offset, channels);
        beta = NativeLayer.view(params, offset + channels, channels);
        runningMean = NativeLayer.view(params, offset + 2L * channels, channels);
        runningVar = NativeLayer.view(params, offset + 3L * channels, channels);
        gammaGradient = NativeLayer.view(gradients, offset, channels);
        betaGradient = NativeLayer.view(gradients, offset + channels, channels);
        betaGradientRow = NativeLayer.view(gradients, offset + channels, 1, channels);
        meanGradient = NativeLayer.view(gradients, offset + 2L * channels, channels);
        varGradient = NativeLayer.view(gradients, offset + 3L * channels, channels);
        gammaAndBeta = NativeLayer.view(params, offset, 2L * channels);
        gammaAndBetaGradient = NativeLayer.view(gradients, offset, 2L * channels);
    }

    @Override
    public void begin(StepContext step) {
        this.context = step;
    }

    @Override
    public void allocate(int size) {
        release();
        long[] full = new long[shape.length + 1];
        full[0] = size;
        System.arraycopy(shape, 0, full, 1, shape.length);
        rows = NativeLayer.size(full) / channels;
        output = Nd4j.create(dataType, full);
        inputGradient = Nd4j.create(dataType, full);
        allocatedSize = size;
        dnnl = directBatchNorm(size);
        if (dnnl != null) { // none of the ops path's arrays and ops
            preActivation = output;
            batchMean = Nd4j.create(DataType.FLOAT, channels);
            batchVariance = Nd4j.create(DataType.FLOAT, channels);
            return;
        }
        centred = Nd4j.create(dataType, rows, channels);
        preActivation = activation.inPlace() ? output : Nd4j.create(dataType, full);
        inputGradient2d = NativeLayer.reshapedView(inputGradient, rows, channels);
        negatedMean = Nd4j.create(dataType, 1, channels);
        negatedMeanVector = NativeLayer.reshapedView(negatedMean, channels);
        variance = Nd4j.create(dataType, 1, channels);
        varianceVector = NativeLayer.reshapedView(variance, channels);
        zeros = Nd4j.zeros(dataType, channels);
        ones = Nd4j.ones(dataType, 1, rows);
        reciprocals = Nd4j.create(dataType, 1, rows).assign(1.0 / rows);
        negatedReciprocals = Nd4j.create(dataType, 1, rows).assign(-1.0 / rows);
        gradientProducts = Nd4j.create(dataType, 1, channels);
        centredScale = Nd4j.create(dataType, channels);
        constant = Nd4j.create(dataType, channels);
        invStd = new double[channels];
        // the input gradient array is free in forward: it holds the squares
        squareOp = op("multiply", inputGradient2d, centred, centred);
        varianceOp = PreparedOp.gemm(reciprocals, inputGradient2d, variance, false, false);
        normaliseOp = affine(centred, gamma, beta, preActivation);
        DynamicCustomOp activate = activation.forward(preActivation, output);
        activationOp = activate == null ? null : new PreparedOp(activate);
    }

    /**
     * oneDNN's batch normalization called directly, for float layers with no activation or a ReLU
     * (fused, unless the pooling after it does it) when the preset is available; null keeps the ops.
     */
    private DnnlBatchNorm directBatchNorm(int size) {
        if (!takesOneDnn()) {
            return null;
        }
        boolean blocked = blocked(block);
        try {
            return new DnnlBatchNorm(size, shape, epsilon, activation == NativeActivation.RELU && !reluLeftToPooling,
                    blocked);
        } catch (IllegalStateException e) {
            if (blocked) { // libnd4j's ops cannot read the blocked layout
                throw new IllegalStateException("batch norm over " + java.util.Arrays.toString(shape)
                        + " on oneDNN's blocked layout: " + e.getMessage(), e);
            }
            org.slf4j.LoggerFactory.getLogger(NativeBatchNorm.class).warn(
                    "batch norm over {}: libnd4j's ops, not oneDNN directly ({})", java.util.Arrays.toString(shape),
                    e.getMessage());
            return null;
        }
    }

    private boolean takesOneDnn() {
        return dataType == DataType.FLOAT && (activation == NativeActivation.RELU || activation == NativeActivation.IDENTITY)
                && (shape.length == 3 || shape.length == 1) && Dnnl.available();
    }

    private boolean blocked(int channelBlock) {
        return shape.length == 3 && Dnnl.wholeBlocks(channelBlock, channels);
    }

    /** In oneDNN, or on activations that do not fill whole blocks; not with the ReLU left to a pooling on the ops. */
    @Override
    public boolean runsBlocked(int channelBlock) {
        return !blocked(channelBlock) || (takesOneDnn() && !reluLeftToPooling);
    }

    @Override
    public void useBlocked(int channelBlock) {
        block = channelBlock;
    }

    /** Whether this layer, as allocated, calls oneDNN directly (see {@link Dnnl}). */
    boolean callsOneDnn() {
        return dnnl != null;
    }


    /**
     * {@code out = a x + b} per channel, with {@code a = scale / sqrt(variance + eps)}, as libnd4j's
     * {@code batchnorm} op on centred input (mean 0) over a {@code [rows, 1, 1, channels]} view.
     */
    private PreparedOp affine(INDArray x, INDArray scaleVector, INDArray shift, INDArray out) {
        return new PreparedOp(DynamicCustomOp.builder("batchnorm")
                .addInputs(NativeLayer.reshapedView(x, rows, 1, 1, channels), zeros, varianceVector, scaleVector, shift)
                .addOutputs(NativeLayer.reshapedView(out, rows, 1, 1, channels))
                .addIntegerArguments(1, 1, 3) // apply scale, apply shift, channels on axis 3
                .addFloatingPointArguments(epsilon).build());
    }

    /**
     * The values of a contiguous array of {@code channels} (a view into a flat buffer allowed),
     * read straight from its buffer: {@code toDoubleVector} and {@code assign} go through ND4J's op
     * dispatch and took ~0.1 ms each, ~0.8 ms of a batch norm step on 64x32x32x16.
     */
    private double[] read(INDArray source) {
        long at = source.offset();
        double[] values = new double[channels];
        if (source.dataType() == DataType.FLOAT) {
            java.nio.FloatBuffer buffer = source.data().asNioFloat();
            for (int i = 0; i < channels; i++) {
                values[i] = buffer.get((int) at + i);
            }
        } else {
            source.data().asNioDouble().get((int) at, values);
        }
        return values;
    }

    /** Copies {@code values} into a contiguous 1-d array (a view into a flat buffer allowed). */
    private static void write(INDArray target, double[] values) {
        long at = target.offset();
        if (target.dataType() == DataType.FLOAT) {
            java.nio.FloatBuffer buffer = target.data().asNioFloat();
            for (int i = 0; i < values.length; i++) {
                buffer.put((int) at + i, (float) values[i]);
            }
        } else {
            target.data().asNioDouble().put((int) at, values);
        }
    }

    /**
     * {@code running = momentum running + (1 - momentum) batch}, for the mean ({@code sign} times
     * {@code mean}: the ops path keeps it negated) and the variance.
     */
    private void moveRunningStatistics(double[] mean, int sign, double[] var) {
        double[] runMean = read(runningMean);
        double[] runVar = read(runningVar);
        for (int c = 0; c < channels; c++) {
            runMean[c] = momentum * runMean[c] + (1 - momentum) * sign * mean[c];
            runVar[c] = momentum * runVar[c] + (1 - momentum) * var[c];
        }
        write(runningMean, runMean);
        write(runningVar, runVar);
    }

    private static PreparedOp op(String name, INDArray out, INDArray a, INDArray b) {
        return new PreparedOp(DynamicCustomOp.builder(name).addInputs(a, b).addOutputs(out).build());
    }

    @Override
    public INDArray forward(INDArray in) {
        if (dnnl != null) {
            // the layers before pass their own contiguous output arrays; anything else is copied
            input = NativeLayer.contiguous(in) ? in : in.dup('c');
            in = input;
            trainedForward = context.training();
            if (trainedForward) {
                dnnl.forward(true, in, gammaAndBeta, batchMean, batchVariance, output);
                if (context.firstRow() == 0) {
                    moveRunningStatistics(read(batchMean), 1, read(batchVariance));
                }
            } else {
                dnnl.forward(false, in, gammaAndBeta, runningMean, runningVar, output);
            }
            return output;
        }
        if (in != input) {
            input = in;
            input2d = NativeLayer.reshapedView(in, rows, channels);
            PreparedOp.close(meanOp);
            PreparedOp.close(centreOp);
            meanOp = PreparedOp.gemm(negatedReciprocals, input2d, negatedMean, false, false);
            centreOp = new PreparedOp(DynamicCustomOp.builder("biasadd").addInputs(input2d, negatedMeanVector)
                    .addOutputs(centred).addBooleanArguments(false).build());
        }
        trainedForward = context.training();
        if (trainedForward) {
            meanOp.exec();
        } else {
            negatedMeanVector.assign(runningMean).negi();
            varianceVector.assign(runningVar);
        }
        centreOp.exec();
        if (trainedForward) {
            squareOp.exec();
            varianceOp.exec();
        }
        // per-channel arithmetic on Java arrays: one bulk copy per vector, not an INDArray call per value
        double[] var = read(variance);
        for (int c = 0; c < channels; c++) {
            invStd[c] = 1 / Math.sqrt(var[c] + epsilon);
        }
        if (trainedForward && context.firstRow() == 0) {
            moveRunningStatistics(read(negatedMean), -1, var);
        }
        normaliseOp.exec();
        if (activationOp != null && !reluLeftToPooling) {
            activationOp.exec();
        }
        return output;
    }

    /**
     * With {@code k = gamma / sqrt(var + eps)}, {@code sg = sum g}, {@code sgx = sum g (x - mean)}
     * per channel: {@code dbeta = sg}, {@code dgamma = sgx / sqrt(var + eps)}, and the input
     * gradient {@code k g - k sg / rows - (x - mean) k sgx / ((var + eps) rows)} in training
     * (the last two terms are the batch statistics' share), {@code k g} in inference.
     */
    @Override
    public INDArray backward(INDArray outputGradient) {
        if (dnnl != null) {
            INDArray g = NativeLayer.contiguous(outputGradient) ? outputGradient : outputGradient.dup('c');
            dnnl.backward(trainedForward, input, gammaAndBeta, trainedForward ? batchMean : runningMean,
                    trainedForward ? batchVariance : runningVar, g, inputGradient, gammaAndBetaGradient);
            write(meanGradient, new double[channels]);
            write(varGradient, new double[channels]);
            return inputGradient;
        }
        if (outputGradient != lastOutputGradient) {
            lastOutputGradient = outputGradient;
            // the input gradient array is free until the sums are taken: it holds ReLU's mask
            activationBackwardOp = reluLeftToPooling ? null
                    : activation.backward(preActivation, output, outputGradient, inputGradient);
            closeBackwardOps();
            INDArray g2d = NativeLayer.reshapedView(outputGradient, rows, channels);
            backwardOps = new PreparedOp[]{
                    PreparedOp.gemm(ones, g2d, betaGradientRow, false, false),
                    op("multiply", inputGradient2d, g2d, centred), // scratch: g (x - mean)
                    PreparedOp.gemm(ones, inputGradient2d, gradientProducts, false, false),
                    // training: k g + b, then c (x - mean) in place of x - mean, then their sum
                    affine(outputGradient, gamma, constant, inputGradient),
                    affine(centred, centredScale, zeros, centred),
                    op("add", inputGradient2d, inputGradient2d, centred),
                    // inference: k g
                    affine(outputGradient, gamma, zeros, inputGradient)};
        }
        if (activationBackwardOp != null) {
            activationBackwardOp.run();
        }
        for (int i = 0; i < 3; i++) {
            backwardOps[i].exec();
        }
        double[] sg = read(betaGradient);
        double[] sgx = read(gradientProducts);
        double[] dGamma = new double[channels];
        for (int c = 0; c < channels; c++) {
            dGamma[c] = sgx[c] * invStd[c];
        }
        write(gammaGradient, dGamma);
        write(meanGradient, new double[channels]);
        write(varGradient, new double[channels]);
        if (trainedForward) {
            double[] gammas = read(gamma);
            double[] shift = new double[channels];
            double[] centredFactor = new double[channels];
            for (int c = 0; c < channels; c++) {
                double k = gammas[c] * invStd[c]; // the forward's scale
                shift[c] = -k * sg[c] / rows;
                // the (x - mean) multiplier -k sgx / ((var + eps) rows), times sqrt(var + eps) for the op
                centredFactor[c] = -k * sgx[c] * invStd[c] / rows;
            }
            write(constant, shift);
            write(centredScale, centredFactor);
            for (int i = 3; i < 6; i++) {
                backwardOps[i].exec();
            }
        } else {
            backwardOps[6].exec();
        }
        return inputGradient;
    }

    /**
     * Whether {@link #backward} writes to the output gradient it is given: only a ReLU (or other
     * activation) backward that the max-pooling after it has not already done. The rest of the
     * backward pass reads it, and writes its products to this layer's own arrays (the centred
     * values included: a backward pass consumes the forward pass before it). In oneDNN it never
     * does: the fused ReLU keeps its mask in oneDNN's workspace.
     */
    @Override
    public boolean overwritesOutputGradient() {
        return dnnl == null && activation != NativeActivation.IDENTITY && !reluLeftToPooling;
    }

    /** oneDNN's backward reads the input, the statistics and (with the ReLU fused) its workspace, not the output. */
    @Override
    public boolean backwardReadsOutput() {
        return dnnl == null;
    }

    private void closeBackwardOps() {
        if (backwardOps != null) {
            for (PreparedOp op : backwardOps) {
                PreparedOp.close(op);
            }
        }
        backwardOps = null;
    }

    @Override
    public void release() {
        if (dnnl != null) {
            dnnl.close();
            dnnl = null;
        }
        NativeLayer.close(batchMean);
        NativeLayer.close(batchVariance);
        batchMean = null;
        batchVariance = null;
        closeBackwardOps();
        for (PreparedOp op : new PreparedOp[]{meanOp, centreOp, squareOp, varianceOp, normaliseOp, activationOp}) {
            PreparedOp.close(op);
        }
        if (preActivation != output) {
            NativeLayer.close(preActivation);
        }
        for (INDArray array : new INDArray[]{centred, output, inputGradient, negatedMean, variance, zeros, ones,
                reciprocals, negatedReciprocals, gradientProducts, centredScale, constant}) {
            NativeLayer.close(array);
        }
        meanOp = null;
        centreOp = null;
        squareOp = null;
        varianceOp = null;
        normaliseOp = null;
        activationOp = null;
        activationBackwardOp = null;
        lastOutputGradient = null;
        input = null;
        input2d = null;
        centred = null;
        preActivation = null;
        output = null;
        inputGradient = null;
        inputGradient2d = null;
        centredScale = null;
        constant = null;
    }
}
