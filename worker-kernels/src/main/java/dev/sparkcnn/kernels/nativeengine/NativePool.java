package dev.sparkcnn.kernels.nativeengine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Square max- or average-pooling on NHWC activations: in float through oneDNN called directly
 * ({@link DnnlPool}), else through libnd4j's {@code maxpool2d}/{@code maxpool2d_bp} or
 * {@code avgpool2d}/{@code avgpool2d_bp}. Output
 * {@code (in + 2 padding - window) / stride + 1}, remainder rows and columns dropped (DL4J's
 * {@code Truncate} mode), or in 'same' mode {@code ceil(in / stride)} with the total padding split
 * as {@link NativeConv} splits it; the catalogue models use max, window = stride = 2, no padding.
 *
 * <p>Padding never wins a max, and an average divides by the number of input values inside the
 * window, padding excluded (libnd4j's {@code extraParam0} = 0; 1 would divide by window²).
 */
final class NativePool implements NativeLayer {

    /** How a window is reduced. */
    enum Mode { MAX, AVG }

    private static final int NHWC = 1;
    private static final int EXCLUDE_PADDING = 0;

    private final DataType dataType;
    private final Mode mode;
    private final int window;
    private final int stride;
    private final int padding;
    private final boolean same;
    private final long inHeight;
    private final long inWidth;
    private final long channels;
    private final long outHeight;
    private final long outWidth;

    private INDArray input;
    private INDArray output;
    private INDArray inputGradient;
    private PreparedOp forwardOp;
    private PreparedOp reluOp; // on the pooled output, in place (see takeOverReluOfInput)
    private PreparedOp backwardOp;
    private INDArray backwardOutputGradient;
    private boolean reluInput;
    private Runnable reluMask;
    private DnnlPool dnnl; // float, oneDNN available; else null

    /** Max-pooling, stride = window, no padding: the catalogue models' pooling. */
    NativePool(DataType dataType, long[] inShape, int window) {
        this(dataType, inShape, Mode.MAX, window, window, 0);
    }

    NativePool(DataType dataType, long[] inShape, Mode mode, int window, int stride, int padding) {
        this(dataType, inShape, mode, window, stride, padding, false);
    }

    /** With {@code same}, {@code padding} must be 0 (libnd4j computes it). */
    NativePool(DataType dataType, long[] inShape, Mode mode, int window, int stride, int padding, boolean same) {
        if (window < 1 || stride < 1 || padding < 0 || padding >= window || (same && padding != 0)) {
            throw new IllegalArgumentException("pooling window " + window + ", stride " + stride + ", padding "
                    + padding + (same ? " (same mode)" : "") + ": need window, stride >= 1, 0 <= padding < window, "
                    + "and padding 0 in same mode");
        }
        this.same = same;
        this.dataType = dataType;
        this.mode = mode;
        this.window = window;
        this.stride = stride;
        this.padding = padding;
        this.inHeight = inShape[0];
        this.inWidth = inShape[1];
        this.channels = inShape[2];
        this.outHeight = outSize(inHeight);
        this.outWidth = outSize(inWidth);
        if (outHeight < 1 || outWidth < 1) {
            throw new IllegalArgumentException("a " + window + "x" + window + " pooling window with padding "
                    + padding + " does not fit a " + inHeight + "x" + inWidth + " input");
        }
    }

    private long outSize(long in) {
        return same ? (in + stride - 1) / stride : Math.floorDiv(in + 2L * padding - window, stride) + 1;
    }

    /**
     * The input is the pre-activation of a ReLU layer that leaves its ReLU to this layer (see
     * {@link NativeConv#leaveReluToPooling}): forward, apply the ReLU to the pooled values; backward,
     * before routing, zero the output gradient wherever the pooled value is not positive. Both on the
     * pooled array, a quarter the size of the layer's for 2x2 pooling.
     */
    void takeOverReluOfInput() {
        if (mode != Mode.MAX) {
            throw new IllegalStateException("only max-pooling can take over a ReLU");
        }
        reluInput = true;
    }

    @Override
    public long numParams() {
        return 0;
    }

    @Override
    public long[] outputShape() {
        return new long[]{outHeight, outWidth, channels};
    }

    @Override
    public void bind(INDArray params, INDArray gradients, long offset) {
    }

    @Override
    public void allocate(int size) {
        release();
        output = Nd4j.create(dataType, size, outHeight, outWidth, channels);
        inputGradient = Nd4j.create(dataType, size, inHeight, inWidth, channels);
        reluOp = reluInput ? new PreparedOp(NativeActivation.RELU.forward(output, output)) : null;
        dnnl = directPool(size);
    }

    /** oneDNN's primitives for float layers when the preset is available; null keeps libnd4j's ops. */
    private DnnlPool directPool(int size) {
        if (dataType != DataType.FLOAT || !Dnnl.available()) {
            return null;
        }
        // the rows/columns the windows span from padTop/padLeft before the image, as NativeConv splits them
        long spanHeight = (outHeight - 1) * stride + window;
        long spanWidth = (outWidth - 1) * stride + window;
        long padTop = same ? Math.max(spanHeight - inHeight, 0) / 2 : padding;
        long padLeft = same ? Math.max(spanWidth - inWidth, 0) / 2 : padding;
        long[] pads = {padTop, padLeft, Math.max(0, spanHeight - inHeight - padTop),
                Math.max(0, spanWidth - inWidth - padLeft)};
        try {
            return new DnnlPool(size, new long[]{inHeight, inWidth, channels},
                    new long[]{outHeight, outWidth, channels}, mode == Mode.MAX, window, stride, pads);
        } catch (IllegalStateException e) {
            org.slf4j.LoggerFactory.getLogger(NativePool.class).warn("{} pooling {}x{} stride {}: libnd4j's op, not"
                    + " oneDNN directly ({})", mode, window, window, stride, e.getMessage());
            return null;
        }
    }

    /** Whether this layer, as allocated, calls oneDNN directly (see {@link Dnnl}). */
    boolean callsOneDnn() {
        return dnnl != null;
    }

    @Override
    public INDArray forward(INDArray in) {
        if (dnnl != null && NativeLayer.contiguous(in)) {
            input = in;
            dnnl.forward(in, output);
            if (reluOp != null) {
                reluOp.exec();
            }
            return output;
        }
        if (in != input || forwardOp == null) {
            closeOps();
            input = in;
            forwardOp = new PreparedOp(DynamicCustomOp.builder(opName()).addInputs(in).addOutputs(output)
                    .addIntegerArguments(arguments()).build());
        }
        forwardOp.exec();
        if (reluOp != null) {
            reluOp.exec();
        }
        return output;
    }

    @Override
    public INDArray backward(INDArray outputGradient) {
        if (backwardOutputGradient != outputGradient) {
            PreparedOp.close(backwardOp);
            backwardOp = null;
            backwardOutputGradient = outputGradient;
            reluMask = reluInput ? NativeActivation.reluMask(output, outputGradient, null) : null;
        }
        if (reluMask != null) {
            reluMask.run();
        }
        // the forward ran in oneDNN exactly when its input was contiguous: its workspace holds the maxima
        if (dnnl != null && NativeLayer.contiguous(input) && NativeLayer.contiguous(outputGradient)) {
            dnnl.backward(outputGradient, inputGradient);
            return inputGradient;
        }
        if (backwardOp == null) {
            backwardOp = new PreparedOp(DynamicCustomOp.builder(opName() + "_bp").addInputs(input, outputGradient)
                    .addOutputs(inputGradient).addIntegerArguments(arguments()).build());
        }
        backwardOp.exec();
        return inputGradient;
    }

    private String opName() {
        return mode == Mode.MAX ? "maxpool2d" : "avgpool2d";
    }

    private int[] arguments() {
        // kH, kW, sH, sW, pH, pW, dH, dW, same mode, extraParam0 (avg divisor; unused by max), data format
        return new int[]{window, window, stride, stride, padding, padding, 1, 1, same ? 1 : 0, EXCLUDE_PADDING, NHWC};
    }

    private void closeOps() {
        PreparedOp.close(forwardOp);
        PreparedOp.close(backwardOp);
        forwardOp = null;
        backwardOp = null;
        backwardOutputGradient = null;
    }

    @Override
    public void release() {
        closeOps();
        PreparedOp.close(reluOp);
        reluOp = null;
        NativeLayer.close(output);
        NativeLayer.close(inputGradient);
        output = null;
        inputGradient = null;
        input = null;
        reluMask = null;
        if (dnnl != null) {
            dnnl.close();
            dnnl = null;
        }
    }
}
