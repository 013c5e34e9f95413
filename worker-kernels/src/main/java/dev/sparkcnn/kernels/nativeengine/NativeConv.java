package dev.sparkcnn.kernels.nativeengine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Square-kernel convolution with an optional bias and an activation (ReLU in the catalogue models),
 * on NHWC activations. Float layers call oneDNN directly ({@link DnnlConv}, first layers included;
 * see {@link Dnnl#takesConvolution} for the shapes it declines); the rest run libnd4j's
 * {@code conv2d}/{@code conv2d_bp} (oneDNN where available) or, for a first layer, the window
 * columns below.
 * Parameters in DL4J's layout: bias {@code [out]} (if any), then weights {@code [out, in, k, k]}
 * ('c'), which libnd4j reads directly as weight format 1, so no conversion is needed in either direction.
 *
 * <p>Padding is either explicit ({@code padding} zeros on every side; output
 * {@code (in + 2 padding - k) / stride + 1}, remainder dropped) or libnd4j's 'same' mode (output
 * {@code ceil(in / stride)}; the total padding {@code (out - 1) stride + k - in} is split with the
 * smaller half at the top/left, as TensorFlow does).
 *
 * <p>A layer built without an input gradient (the network's first layer, whose input is the data)
 * runs on a column matrix instead of {@code conv2d}/{@code conv2d_bp} (the latter always computes
 * the input gradient): forward copies the input's k x k windows into a
 * {@code [batch * outH * outW, k k in + 1]} column matrix (k strided copies, one per kernel row,
 * each window row being {@code k * in} contiguous values of an NHWC row; the last column is ones)
 * and multiplies it by the weights in (kernel row, kernel column, in) order with the bias as last
 * row, which gives the NHWC output directly; backward multiplies the same columns by the output
 * gradient {@code [batch * outH * outW, out]}, which gives the weight gradient in that order and,
 * from the ones column, the bias gradient. Building the columns in forward, while the input is
 * still in cache, beat oneDNN's forward plus columns built in backward (cifar-cnn on 2 cores: +5-10%
 * in the first seconds of training, +2% at steady state).
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
    private final boolean hasBias;
    private final boolean computeInputGradient;
    private boolean reluLeftToPooling; // forward and backward, by the max-pooling after it (see leaveReluToPooling)
    private final long inHeight;
    private final long inWidth;
    private final long outHeight;
    private final long outWidth;

    private INDArray weights;
    private INDArray weightsInColumnOrder; // weights as [k, k, in, out] (a permuted view)
    private INDArray bias;
    private INDArray weightGradient;
    private INDArray biasGradient;

    private INDArray input;
    private INDArray preActivation;
    private INDArray output;
    private INDArray inputGradient;
    private PreparedOp forwardOp;
    private PreparedOp activationOp;
    private Runnable activationBackwardOp;
    private PreparedOp backwardOp;
    private INDArray lastOutputGradient;
    private PreparedOp columnsForwardOp;   // first layer: columns x column weights -> pre-activation rows
    private PreparedOp columnsBackwardOp;  // first layer: columns^T x output gradient rows -> column gradient
    private DnnlConvolution dnnl;          // float: oneDNN called directly (see Dnnl), direct or Winograd; else null
    private int block;                     // activations of whole blocks of this many channels blocked; 0: NHWC

    // parameter-gradients-only backward (no input gradient): see the class comment
    private final long padTop;
    private final long padLeft;
    private final long paddedHeight;
    private final long paddedWidth;
    private INDArray padded;        // [batch, paddedHeight, paddedWidth, in], zero margins; null if none needed
    private INDArray paddedInterior;
    private INDArray columns;       // [batch * outH * outW, k k in + 1], last column ones
    private INDArray[] columnRows;  // per kernel row: the [batch, outH, outW, k in] part of the columns it fills
    private INDArray columnGradient; // [k k in + 1, out]
    private INDArray columnGradientWeights; // its first k k in rows as weights [out, in, k, k] (a permuted view)
    private INDArray columnGradientBias;    // its last row
    private INDArray columnWeights;  // [k k in + 1, out]: the weights in column order, bias last
    private INDArray columnWeightRows; // its first k k in rows as [k, k, in, out]
    private INDArray columnWeightBias; // its last row
    private INDArray preActivationRows; // preActivation as [batch * outH * outW, out]
    private INDArray windowSource;  // the array the windows are read from (the input or its padded copy)
    private INDArray[] windowRows;  // per kernel row: its windows in windowSource, [batch, outH, outW, k in]

    /** Stride 1, explicit padding, ReLU: the catalogue models' convolution. */
    NativeConv(DataType dataType, long[] inShape, int outChannels, int kernel, int padding) {
        this(dataType, inShape, outChannels, kernel, padding, true);
    }

    /** As above; without {@code inputGradient}, {@link #backward} computes the parameter gradients only and returns null. */
    NativeConv(DataType dataType, long[] inShape, int outChannels, int kernel, int padding, boolean inputGradient) {
        this(dataType, inShape, outChannels, kernel, 1, padding, false, NativeActivation.RELU, inputGradient);
    }

    /** With {@code same}, {@code padding} must be 0 (libnd4j computes it). */
    NativeConv(DataType dataType, long[] inShape, int outChannels, int kernel, int stride, int padding, boolean same,
               NativeActivation activation) {
        this(dataType, inShape, outChannels, kernel, stride, padding, same, activation, true);
    }

    /** Without {@code inputGradient}, {@link #backward} computes the parameter gradients only and returns null. */
    NativeConv(DataType dataType, long[] inShape, int outChannels, int kernel, int stride, int padding, boolean same,
               NativeActivation activation, boolean inputGradient) {
        this(dataType, inShape, new Spec(outChannels, kernel, stride, padding, same, true, activation), inputGradient);
    }

    /**
     * A convolution's hyper-parameters.
     *
     * @param outChannels filters
     * @param kernel      the square kernel's side
     * @param stride      in both directions
     * @param padding     zeros on every side (0 in same mode)
     * @param same        libnd4j's (TensorFlow's) 'same' mode
     * @param bias        whether the layer has a bias (first in its parameters); without, only weights
     * @param activation  applied to the output
     */
    record Spec(int outChannels, int kernel, int stride, int padding, boolean same, boolean bias,
                NativeActivation activation) {
    }

    /** Without {@code inputGradient}, {@link #backward} computes the parameter gradients only and returns null. */
    NativeConv(DataType dataType, long[] inShape, Spec spec, boolean inputGradient) {
        int outChannels = spec.outChannels();
        int kernel = spec.kernel();
        int stride = spec.stride();
        int padding = spec.padding();
        boolean same = spec.same();
        NativeActivation activation = spec.activation();
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
        this.hasBias = spec.bias();
        this.computeInputGradient = inputGradient;
        this.outHeight = outSize(inHeight);
        this.outWidth = outSize(inWidth);
        if (outHeight < 1 || outWidth < 1) {
            throw new IllegalArgumentException("a " + kernel + "x" + kernel + " convolution with padding " + padding
                    + " does not fit a " + inHeight + "x" + inWidth + " input");
        }
        // the rows/columns the windows span: (out - 1) stride + k, from padTop/padLeft zeros before the image
        long spanHeight = (outHeight - 1) * stride + kernel;
        long spanWidth = (outWidth - 1) * stride + kernel;
        this.padTop = same ? Math.max(spanHeight - inHeight, 0) / 2 : padding;
        this.padLeft = same ? Math.max(spanWidth - inWidth, 0) / 2 : padding;
        this.paddedHeight = Math.max(padTop + inHeight, spanHeight);
        this.paddedWidth = Math.max(padLeft + inWidth, spanWidth);
    }

    private long outSize(long in) {
        return same ? (in + stride - 1) / stride : Math.floorDiv(in + 2L * padding - kernel, stride) + 1;
    }

    /**
     * For a ReLU convolution followed by max-pooling that does the ReLU itself
     * ({@link NativePool#takeOverReluOfInput}): this layer's output is then the pre-activation, and
     * neither the ReLU forward nor its backward runs here. Bit-identical, because ReLU commutes with
     * max ({@code relu(max x) = max relu(x)}: the ReLU runs on the pooled array, a quarter the size
     * for 2x2 pooling), and because the pooling masks its output gradient where the pooled value is
     * not positive, which makes this layer's ReLU backward a no-op: max-pooling routes each gradient
     * to a window's maximum, which is positive wherever the mask let it through, and zeros to
     * everything else.
     */
    void leaveReluToPooling() {
        if (activation != NativeActivation.RELU) {
            throw new IllegalStateException("only a ReLU can be left to the pooling after it");
        }
        reluLeftToPooling = true;
    }

    /** The square kernel's side. */
    int kernel() {
        return kernel;
    }

    boolean isRelu() {
        return activation == NativeActivation.RELU;
    }

    @Override
    public long numParams() {
        return (hasBias ? outChannels : 0) + (long) outChannels * inChannels * kernel * kernel;
    }

    @Override
    public long[] outputShape() {
        return new long[]{outHeight, outWidth, outChannels};
    }

    @Override
    public void bind(INDArray params, INDArray gradients, long offset) {
        long biasSize = hasBias ? outChannels : 0;
        bias = hasBias ? NativeLayer.view(params, offset, outChannels) : null;
        weights = NativeLayer.view(params, offset + biasSize, outChannels, inChannels, kernel, kernel);
        weightsInColumnOrder = weights.permute(2, 3, 1, 0);
        biasGradient = hasBias ? NativeLayer.view(gradients, offset, outChannels) : null;
        weightGradient = NativeLayer.view(gradients, offset + biasSize, outChannels, inChannels, kernel, kernel);
    }

    @Override
    public void allocate(int size) {
        release();
        output = Nd4j.create(dataType, size, outHeight, outWidth, outChannels);
        preActivation = activation.inPlace() ? output : Nd4j.create(dataType, size, outHeight, outWidth, outChannels);
        DynamicCustomOp activate = activation.forward(preActivation, output);
        activationOp = activate == null ? null : new PreparedOp(activate);
        dnnl = directConvolution(size);
        if (computeInputGradient) {
            inputGradient = Nd4j.create(dataType, size, inHeight, inWidth, inChannels);
            return;
        }
        if (dnnl != null) { // a first layer in oneDNN needs no columns
            return;
        }
        long rows = size * outHeight * outWidth;
        long windowSize = (long) kernel * kernel * inChannels;
        columns = Nd4j.create(dataType, rows, windowSize + 1);
        columns.get(NDArrayIndex.all(), NDArrayIndex.point(windowSize)).assign(1);
        columnRows = new INDArray[kernel];
        long rowLength = (long) kernel * inChannels;
        for (int ky = 0; ky < kernel; ky++) {
            columnRows[ky] = Nd4j.create(columns.data(), new long[]{size, outHeight, outWidth, rowLength},
                    new long[]{outHeight * outWidth * (windowSize + 1), outWidth * (windowSize + 1), windowSize + 1, 1},
                    ky * rowLength, 'c');
        }
        columnGradient = Nd4j.create(dataType, windowSize + 1, outChannels);
        // rows (ky, kx, c) of columnGradient are weights [o][c][ky][kx]; the last row is the bias gradient
        columnGradientWeights = NativeLayer.reshapedView(
                columnGradient.get(NDArrayIndex.interval(0, windowSize), NDArrayIndex.all()),
                kernel, kernel, inChannels, outChannels).permute(3, 2, 0, 1);
        columnGradientBias = columnGradient.get(NDArrayIndex.point(windowSize), NDArrayIndex.all());
        columnWeights = Nd4j.create(dataType, windowSize + 1, outChannels);
        columnWeightRows = NativeLayer.reshapedView(
                columnWeights.get(NDArrayIndex.interval(0, windowSize), NDArrayIndex.all()),
                kernel, kernel, inChannels, outChannels);
        columnWeightBias = columnWeights.get(NDArrayIndex.point(windowSize), NDArrayIndex.all());
        preActivationRows = NativeLayer.reshapedView(preActivation, rows, outChannels);
        if (padTop > 0 || padLeft > 0 || paddedHeight > inHeight || paddedWidth > inWidth) {
            padded = Nd4j.create(dataType, size, paddedHeight, paddedWidth, inChannels);
            paddedInterior = padded.get(NDArrayIndex.all(), NDArrayIndex.interval(padTop, padTop + inHeight),
                    NDArrayIndex.interval(padLeft, padLeft + inWidth), NDArrayIndex.all());
        }
    }

    /**
     * oneDNN's primitives for this layer, called directly, for float layers when the preset is
     * available; null keeps libnd4j's {@code conv2d}/{@code conv2d_bp} (double, a shape
     * {@link Dnnl#takesConvolution} declines, or no oneDNN implementation, which is logged).
     */
    private DnnlConvolution directConvolution(int size) {
        // what the last window needs below and right of the input; below zero when the remainder is
        // dropped (a 1x1 stride-2 shortcut on an even side), where 0 gives the same output size,
        // since oneDNN rounds (in + pads - k) / stride down as we do
        long padBottom = Math.max(0, (outHeight - 1) * stride + kernel - inHeight - padTop);
        long padRight = Math.max(0, (outWidth - 1) * stride + kernel - inWidth - padLeft);
        if (!takesOneDnn()) {
            return null;
        }
        boolean blockedIn = blockedInput(block);
        boolean blockedOut = blockedOutput(block);
        if (blockedIn == blockedOut && Dnnl.takesWinograd(kernel, stride, inChannels, outChannels)
                && padTop == 1 && padLeft == 1
                && padBottom == 1 && padRight == 1
                && Dnnl.winogradScratchFits(size, inHeight, inWidth, inChannels, outChannels)) {
            try {
                return new DnnlWinogradConv(size, new long[]{inHeight, inWidth, inChannels}, outChannels, hasBias,
                        computeInputGradient, blockedIn, blockedOut);
            } catch (IllegalStateException e) { // no Winograd kernels for this CPU or shape: the direct ones
                org.slf4j.LoggerFactory.getLogger(NativeConv.class).debug("3x3 convolution {} -> {} channels:"
                        + " oneDNN's direct kernels, not Winograd ({})", inChannels, outChannels, e.getMessage());
            }
        }
        try {
            return new DnnlConv(size, new long[]{inHeight, inWidth, inChannels},
                    new long[]{outHeight, outWidth, outChannels}, kernel, stride,
                    new long[]{padTop, padLeft, padBottom, padRight}, hasBias, computeInputGradient, blockedIn,
                    blockedOut);
        } catch (IllegalStateException e) {
            if (blockedIn || blockedOut) { // libnd4j's op cannot read the blocked layout
                throw new IllegalStateException(kernel + "x" + kernel + " convolution " + inChannels + " -> "
                        + outChannels + " channels on oneDNN's blocked layout: " + e.getMessage(), e);
            }
            org.slf4j.LoggerFactory.getLogger(NativeConv.class).warn("{}x{} convolution {} -> {} channels, stride {}:"
                    + " libnd4j's op, not oneDNN directly ({})", kernel, kernel, inChannels, outChannels, stride,
                    e.getMessage());
            return null;
        }
    }

    private boolean takesOneDnn() {
        return dataType == DataType.FLOAT && Dnnl.available() && Dnnl.takesConvolution(kernel, inChannels, outChannels);
    }

    /**
     * Whether the input is given to oneDNN blocked. An activation of exactly one block has the same
     * bytes either way and is described as NHWC unless the other side has several blocks (16 -> 16
     * channels: NHWC, which the probe and the network found as fast as blocked). oneDNN has fast
     * kernels for both sides blocked or both NHWC, and only its reference code for a mix (measured:
     * 3 -> 16 channels with a blocked output took 80 ms forward, not 0.3): a convolution with one
     * side blocked runs NHWC and reorders that side ({@link DnnlConv}; e.g. 3 -> 16 channels with
     * AVX2's 8-channel blocks), never on Winograd's kernels.
     */
    private boolean blockedInput(int channelBlock) {
        return Dnnl.wholeBlocks(channelBlock, inChannels)
                && (inChannels != channelBlock || manyBlocks(channelBlock, outChannels));
    }

    /** Whether the output is given to oneDNN blocked; see {@link #blockedInput}. */
    private boolean blockedOutput(int channelBlock) {
        return Dnnl.wholeBlocks(channelBlock, outChannels)
                && (outChannels != channelBlock || manyBlocks(channelBlock, inChannels));
    }

    private static boolean manyBlocks(int channelBlock, long channels) {
        return Dnnl.wholeBlocks(channelBlock, channels) && channels > channelBlock;
    }

    /** In oneDNN (see {@link #blockedInput}), or no activation of whole blocks; not with the ReLU left to a pooling on the ops. */
    @Override
    public boolean runsBlocked(int channelBlock) {
        boolean touches = Dnnl.wholeBlocks(channelBlock, inChannels) || Dnnl.wholeBlocks(channelBlock, outChannels);
        return !touches || (takesOneDnn() && !reluLeftToPooling);
    }

    @Override
    public void useBlocked(int channelBlock) {
        block = channelBlock;
    }

    /** Throws unless this layer may fall back on libnd4j's op: not with blocked activations, which it cannot read. */
    private void requireOpsLayout() {
        if (Dnnl.wholeBlocks(block, inChannels) || Dnnl.wholeBlocks(block, outChannels)) {
            throw new IllegalStateException("convolution " + inChannels + " -> " + outChannels
                    + " channels: blocked activations given to libnd4j's op (non-contiguous arrays?)");
        }
    }

    /** Whether this layer, as allocated, calls oneDNN directly (see {@link Dnnl}). */
    boolean callsOneDnn() {
        return dnnl != null;
    }

    /** Whether this layer, as allocated, runs oneDNN's Winograd kernels (see {@link Dnnl#takesWinograd}). */
    boolean winograd() {
        return dnnl != null && dnnl.winograd();
    }

    /** A contiguous copy of a strided input, for a first layer in oneDNN (kept, reused while the shape holds). */
    private INDArray denseCopy(INDArray in) {
        if (padded == null || !java.util.Arrays.equals(padded.shape(), in.shape())) {
            NativeLayer.close(padded);
            padded = Nd4j.create(dataType, in.shape());
        }
        return padded.assign(in);
    }


    /** The windows of each kernel row in {@code source} (NHWC 'c', offset allowed): x[n][oy s + ky][ox s + kx][c] for (kx, c). */
    private void windowsOf(INDArray source, long height, long width) {
        windowSource = source;
        windowRows = new INDArray[kernel];
        long c = inChannels;
        for (int ky = 0; ky < kernel; ky++) {
            windowRows[ky] = Nd4j.create(source.data(), new long[]{source.size(0), outHeight, outWidth, kernel * c},
                    new long[]{height * width * c, stride * width * c, stride * c, 1},
                    source.offset() + ky * width * c, 'c');
        }
    }

    @Override
    public INDArray forward(INDArray in) {
        if (dnnl != null && (NativeLayer.contiguous(in) || !computeInputGradient)) {
            input = NativeLayer.contiguous(in) ? in : denseCopy(in);
            dnnl.forward(input, weights, bias, preActivation);
        } else if (!computeInputGradient) {
            requireOpsLayout();
            input = in;
            fillColumns();
            // the (kernel row, kernel column, in) x out weight matrix, bias last, against the columns' ones
            columnWeightRows.assign(weightsInColumnOrder);
            if (bias != null) { // else the bias row stays zero
                columnWeightBias.assign(bias);
            }
            if (columnsForwardOp == null) {
                columnsForwardOp = PreparedOp.gemm(columns, columnWeights, preActivationRows, false, false);
            }
            columnsForwardOp.exec();
        } else {
            requireOpsLayout();
            if (in != input || forwardOp == null) { // the previous layer's output array: the same one every step
                input = in;
                PreparedOp.close(forwardOp);
                PreparedOp.close(backwardOp);
                INDArray[] inputs = bias == null ? new INDArray[]{in, weights} : new INDArray[]{in, weights, bias};
                forwardOp = new PreparedOp(DynamicCustomOp.builder("conv2d").addInputs(inputs)
                        .addOutputs(preActivation).addIntegerArguments(arguments()).build());
                backwardOp = null;
            }
            forwardOp.exec();
        }
        if (activationOp != null && !reluLeftToPooling) {
            activationOp.exec();
        }
        return output;
    }

    @Override
    public INDArray backward(INDArray outputGradient) {
        if (!computeInputGradient && dnnl == null) {
            parameterGradients(outputGradient);
            return null;
        }
        if (outputGradient != lastOutputGradient) { // the next layer's input gradient: the same one every step
            lastOutputGradient = outputGradient;
            activationBackwardOp = reluLeftToPooling ? null
                    : activation.backward(preActivation, output, outputGradient);
            PreparedOp.close(backwardOp);
            backwardOp = null;
        }
        if (dnnl != null && NativeLayer.contiguous(input)
                && (NativeLayer.contiguous(outputGradient) || !computeInputGradient)) {
            if (activationBackwardOp != null) {
                activationBackwardOp.run();
            }
            // a first layer has no ops path to fall back on; the gradients layers pass are contiguous anyway
            INDArray g = NativeLayer.contiguous(outputGradient) ? outputGradient : outputGradient.dup('c');
            dnnl.backward(input, weights, g, inputGradient, weightGradient, biasGradient);
            return inputGradient; // null for a first layer
        }
        requireOpsLayout();
        if (backwardOp == null) {
            backwardOp = new PreparedOp(bias == null
                    ? DynamicCustomOp.builder("conv2d_bp").addInputs(input, weights, outputGradient)
                            .addOutputs(inputGradient, weightGradient).addIntegerArguments(arguments()).build()
                    : DynamicCustomOp.builder("conv2d_bp").addInputs(input, weights, bias, outputGradient)
                            .addOutputs(inputGradient, weightGradient, biasGradient).addIntegerArguments(arguments())
                            .build());
        }
        if (activationBackwardOp != null) {
            activationBackwardOp.run();
        }
        backwardOp.exec();
        return inputGradient;
    }

    /** Weight and bias gradients only, through the columns forward filled and one gemm (see the class comment). */
    private void parameterGradients(INDArray outputGradient) {
        if (outputGradient != lastOutputGradient) {
            lastOutputGradient = outputGradient;
            activationBackwardOp = reluLeftToPooling ? null
                    : activation.backward(preActivation, output, outputGradient);
            PreparedOp.close(columnsBackwardOp);
            columnsBackwardOp = PreparedOp.gemm(columns,
                    NativeLayer.reshapedView(outputGradient, columns.size(0), outChannels), columnGradient, true, false);
        }
        if (activationBackwardOp != null) {
            activationBackwardOp.run();
        }
        columnsBackwardOp.exec();
        weightGradient.assign(columnGradientWeights);
        if (biasGradient != null) {
            biasGradient.assign(columnGradientBias);
        }
    }

    /** Copies the input's windows into the column matrix (see the class comment). */
    private void fillColumns() {
        if (padded != null) {
            paddedInterior.assign(input);
            if (windowSource != padded) {
                windowsOf(padded, paddedHeight, paddedWidth);
            }
        } else if (windowSource != input) {
            if (input.ordering() == 'c' && Shape.hasDefaultStridesForShape(input)) {
                windowsOf(input, inHeight, inWidth);
            } else { // a strided input: read it from a contiguous copy (allocated once)
                padded = Nd4j.create(dataType, input.shape());
                paddedInterior = padded;
                paddedInterior.assign(input);
                windowsOf(padded, paddedHeight, paddedWidth);
            }
        }
        for (int ky = 0; ky < kernel; ky++) {
            columnRows[ky].assign(windowRows[ky]);
        }
    }

    private int[] arguments() {
        // kH, kW, sH, sW, pH, pW, dH, dW, same mode, data format, weight format
        return new int[]{kernel, kernel, stride, stride, padding, padding, 1, 1, same ? 1 : 0, NHWC, WEIGHTS_OIHW};
    }

    @Override
    public void release() {
        if (dnnl != null) {
            dnnl.close();
            dnnl = null;
        }
        PreparedOp.close(forwardOp);
        PreparedOp.close(activationOp);
        PreparedOp.close(backwardOp);
        PreparedOp.close(columnsForwardOp);
        PreparedOp.close(columnsBackwardOp);
        if (preActivation != output) {
            NativeLayer.close(preActivation);
        }
        NativeLayer.close(output);
        NativeLayer.close(inputGradient);
        NativeLayer.close(columns);
        NativeLayer.close(columnGradient);
        NativeLayer.close(columnWeights);
        NativeLayer.close(padded);
        columns = null;
        columnRows = null;
        columnGradient = null;
        columnGradientWeights = null;
        columnGradientBias = null;
        columnWeights = null;
        columnWeightRows = null;
        columnWeightBias = null;
        preActivationRows = null;
        padded = null;
        paddedInterior = null;
        windowSource = null;
        windowRows = null;
        preActivation = null;
        output = null;
        inputGradient = null;
        input = null;
        forwardOp = null;
        activationOp = null;
        activationBackwardOp = null;
        backwardOp = null;
        columnsForwardOp = null;
        columnsBackwardOp = null;
        lastOutputGradient = null;
    }
}
