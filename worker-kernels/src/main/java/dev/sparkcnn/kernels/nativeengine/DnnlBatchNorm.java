package dev.sparkcnn.kernels.nativeengine;

import static org.bytedeco.dnnl.global.dnnl.*;

import org.bytedeco.dnnl.dnnl_batch_normalization_desc_t;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One batch normalization's oneDNN primitives for one batch size, float, on NHWC activations (or
 * {@code [batch, features]}): training (batch statistics) and inference (given statistics), each
 * forward and backward, with the ReLU after it fused when asked (oneDNN keeps its mask in a
 * workspace). One call forward, one backward, against six and eight libnd4j ops.
 *
 * <p>Scale and shift are one {@code [2, channels]} memory: {@code gamma} followed by {@code beta},
 * as they lie in the parameter vector, and their gradients likewise, so oneDNN reads and writes
 * the parameter and gradient buffers in place. The batch variance it returns is the biased one
 * (divided by the rows), as the ops path and DL4J use.
 */
final class DnnlBatchNorm implements AutoCloseable {

    private final Dnnl.Resources resources = new Dnnl.Resources();
    private final boolean relu;
    private final float epsilon;
    private final dnnl_memory_desc_t dataMd;
    private final dnnl_memory_desc_t statsMd;
    private final dnnl_memory_desc_t scaleShiftMd;
    private final dnnl_memory src;
    private final dnnl_memory dst;
    private final dnnl_memory diffDst;
    private final dnnl_memory diffSrc;
    private final dnnl_memory scaleShift;
    private final dnnl_memory diffScaleShift;
    private final dnnl_memory mean;
    private final dnnl_memory variance;
    private final Mode training;
    private Mode inference; // built on first use

    /** The primitives of one mode, with their workspace (fused ReLU) and argument lists. */
    private final class Mode {
        final dnnl_primitive forward;
        final dnnl_primitive backward;
        final INDArray workspaceArray;
        final dnnl_exec_arg_t forwardArgs;
        final dnnl_exec_arg_t backwardArgs;

        Mode(boolean globalStats) {
            int flags = dnnl_use_scaleshift | (relu ? dnnl_fuse_norm_relu : 0)
                    | (globalStats ? dnnl_use_global_stats : 0);
            // forward_training in both modes: it keeps the ReLU's workspace for the backward pass
            dnnl_batch_normalization_desc_t fd = new dnnl_batch_normalization_desc_t();
            Dnnl.check(dnnl_batch_normalization_forward_desc_init(fd, dnnl_forward_training, dataMd, epsilon, flags),
                    "batch norm forward descriptor");
            dnnl_primitive_desc fpd = resources.primitiveDesc(fd, null, "batch norm forward");
            forward = resources.primitive(fpd, "batch norm forward");
            dnnl_batch_normalization_desc_t bd = new dnnl_batch_normalization_desc_t();
            Dnnl.check(dnnl_batch_normalization_backward_desc_init(bd, dnnl_backward, dataMd, dataMd, epsilon, flags),
                    "batch norm backward descriptor");
            dnnl_primitive_desc bpd = resources.primitiveDesc(bd, fpd, "batch norm backward");
            backward = resources.primitive(bpd, "batch norm backward");
            dnnl_memory workspace = null;
            if (relu) {
                dnnl_memory_desc_t wsMd = dnnl_primitive_desc_query_md(fpd, dnnl_query_workspace_md, 0);
                workspaceArray = Nd4j.create(DataType.FLOAT, Math.max(1, (dnnl_memory_desc_get_size(wsMd) + 3) / 4));
                workspace = resources.memory(wsMd);
                Dnnl.Resources.point(workspace, workspaceArray);
            } else {
                workspaceArray = null;
            }
            // statistics: outputs of a training forward, inputs otherwise
            forwardArgs = relu
                    ? Dnnl.Resources.arguments(DNNL_ARG_SRC, src, DNNL_ARG_DST, dst, DNNL_ARG_SCALE_SHIFT, scaleShift,
                            DNNL_ARG_MEAN, mean, DNNL_ARG_VARIANCE, variance, DNNL_ARG_WORKSPACE, workspace)
                    : Dnnl.Resources.arguments(DNNL_ARG_SRC, src, DNNL_ARG_DST, dst, DNNL_ARG_SCALE_SHIFT, scaleShift,
                            DNNL_ARG_MEAN, mean, DNNL_ARG_VARIANCE, variance);
            backwardArgs = relu
                    ? Dnnl.Resources.arguments(DNNL_ARG_SRC, src, DNNL_ARG_DIFF_DST, diffDst,
                            DNNL_ARG_DIFF_SRC, diffSrc, DNNL_ARG_SCALE_SHIFT, scaleShift, DNNL_ARG_DIFF_SCALE_SHIFT, diffScaleShift,
                            DNNL_ARG_MEAN, mean, DNNL_ARG_VARIANCE, variance, DNNL_ARG_WORKSPACE, workspace)
                    : Dnnl.Resources.arguments(DNNL_ARG_SRC, src, DNNL_ARG_DIFF_DST, diffDst,
                            DNNL_ARG_DIFF_SRC, diffSrc, DNNL_ARG_SCALE_SHIFT, scaleShift, DNNL_ARG_DIFF_SCALE_SHIFT, diffScaleShift,
                            DNNL_ARG_MEAN, mean, DNNL_ARG_VARIANCE, variance);
        }
    }

    /**
     * @param batch    examples per call
     * @param shape    the per-example shape, channels last: {@code [height, width, channels]} or {@code [features]}
     * @param relu     fuse the ReLU after the normalization
     * @param blocked  an image activation in oneDNN's blocked layout, not NHWC (see {@link Dnnl#layoutBlock})
     * @throws IllegalStateException if oneDNN has no implementation for it
     */
    DnnlBatchNorm(int batch, long[] shape, double epsilon, boolean relu, boolean blocked) {
        this.relu = relu;
        this.epsilon = (float) epsilon;
        long channels = shape[shape.length - 1];
        try {
            if (shape.length == 3) {
                dataMd = Dnnl.normActivation(blocked, batch, channels, shape[0], shape[1]);
            } else if (shape.length == 1) {
                dataMd = Dnnl.desc(dnnl_ab, batch, channels);
            } else {
                throw new IllegalStateException("batch norm over a " + shape.length + "-d example shape");
            }
            statsMd = Dnnl.desc(dnnl_a, channels);
            scaleShiftMd = Dnnl.desc(dnnl_ab, 2, channels);
            src = resources.memory(dataMd);
            dst = resources.memory(dataMd);
            diffDst = resources.memory(dataMd);
            diffSrc = resources.memory(dataMd);
            scaleShift = resources.memory(scaleShiftMd);
            diffScaleShift = resources.memory(scaleShiftMd);
            mean = resources.memory(statsMd);
            variance = resources.memory(statsMd);
            training = new Mode(false);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Normalizes {@code input} into {@code output} (ReLU applied if fused). Training: with the
     * batch's statistics, written to {@code batchMean} and {@code batchVariance}; else with those
     * arrays as given (the running statistics).
     *
     * @param gammaAndBeta {@code [2 * channels]}: scale then shift, contiguous
     */
    void forward(boolean train, INDArray input, INDArray gammaAndBeta, INDArray batchMean, INDArray batchVariance,
                 INDArray output) {
        Mode mode = mode(train);
        Dnnl.Resources.point(src, input);
        Dnnl.Resources.point(dst, output);
        Dnnl.Resources.point(scaleShift, gammaAndBeta);
        Dnnl.Resources.point(mean, batchMean);
        Dnnl.Resources.point(variance, batchVariance);
        resources.execute(mode.forward, mode.forwardArgs, "batch norm forward");
    }

    /**
     * The input gradient and the scale and shift gradients ({@code [2 * channels]}, contiguous), for
     * the last {@link #forward} in the same mode (its input and statistics arrays still hold it).
     */
    void backward(boolean train, INDArray input, INDArray gammaAndBeta, INDArray usedMean, INDArray usedVariance,
                  INDArray outputGradient, INDArray inputGradient, INDArray gammaAndBetaGradient) {
        Mode mode = mode(train);
        Dnnl.Resources.point(src, input);
        Dnnl.Resources.point(scaleShift, gammaAndBeta);
        Dnnl.Resources.point(mean, usedMean);
        Dnnl.Resources.point(variance, usedVariance);
        Dnnl.Resources.point(diffDst, outputGradient);
        Dnnl.Resources.point(diffSrc, inputGradient);
        Dnnl.Resources.point(diffScaleShift, gammaAndBetaGradient);
        resources.execute(mode.backward, mode.backwardArgs, "batch norm backward");
    }

    private Mode mode(boolean train) {
        if (train) {
            return training;
        }
        if (inference == null) {
            inference = new Mode(true);
        }
        return inference;
    }

    @Override
    public void close() {
        resources.close();
        if (training != null) {
            NativeLayer.close(training.workspaceArray);
        }
        if (inference != null) {
            NativeLayer.close(inference.workspaceArray);
        }
    }
}
