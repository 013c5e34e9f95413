package dev.sparkcnn.kernels.nativeengine;

import static org.bytedeco.dnnl.global.dnnl.*;

import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_pooling_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One pooling layer's oneDNN primitives for one batch size, float, on NHWC activations, read and
 * written in place: forward (training) and backward. Max-pooling keeps the position of each
 * window's maximum in oneDNN's workspace for the backward pass; average pooling divides by the
 * inputs inside the window, padding excluded, as {@link NativePool} defines it.
 *
 * <p>Why: libnd4j's {@code maxpool2d_bp} took 5.9 ms for vgg-bn's first pooling (64 x 28 x 28 x 32
 * floats) with AVX2's kernels, and the three poolings 12.5 ms of an 82.7 ms step.
 */
final class DnnlPool implements AutoCloseable {

    private final Dnnl.Resources resources = new Dnnl.Resources();
    private final dnnl_primitive forward;
    private final dnnl_primitive backward;
    private final dnnl_memory src;
    private final dnnl_memory dst;
    private final dnnl_memory diffDst;
    private final dnnl_memory diffSrc;
    private final INDArray workspaceArray; // max-pooling's argmax positions; null for average
    private final dnnl_exec_arg_t forwardArgs;
    private final dnnl_exec_arg_t backwardArgs;

    /**
     * @param in      input {@code [height, width, channels]}
     * @param out     output {@code [height, width, channels]}
     * @param padding {@code [top, left, bottom, right]}, each {@code >= 0}
     * @throws IllegalStateException if oneDNN has no implementation for it
     */
    DnnlPool(int batch, long[] in, long[] out, boolean max, int window, int stride, long[] padding) {
        try {
            dnnl_memory_desc_t srcMd = Dnnl.activation(false, batch, in[2], in[0], in[1]);
            dnnl_memory_desc_t dstMd = Dnnl.activation(false, batch, out[2], out[0], out[1]);
            long[] strides = {stride, stride};
            long[] kernel = {window, window};
            long[] padLeft = {padding[0], padding[1]};
            long[] padRight = {padding[2], padding[3]};
            int algorithm = max ? dnnl_pooling_max : dnnl_pooling_avg_exclude_padding;
            dnnl_pooling_desc_t fd = new dnnl_pooling_desc_t();
            Dnnl.check(dnnl_pooling_forward_desc_init(fd, dnnl_forward_training, algorithm, srcMd, dstMd, strides,
                    kernel, padLeft, padRight), "pooling forward descriptor");
            dnnl_primitive_desc fpd = resources.primitiveDesc(fd, null, "pooling forward");
            forward = resources.primitive(fpd, "pooling forward");
            Dnnl.requireLayout(dstMd, dnnl_primitive_desc_query_md(fpd, dnnl_query_dst_md, 0),
                    "oneDNN pooling would not write its output in NHWC");
            dnnl_pooling_desc_t bd = new dnnl_pooling_desc_t();
            Dnnl.check(dnnl_pooling_backward_desc_init(bd, algorithm, srcMd, dstMd, strides, kernel, padLeft,
                    padRight), "pooling backward descriptor");
            dnnl_primitive_desc bpd = resources.primitiveDesc(bd, fpd, "pooling backward");
            backward = resources.primitive(bpd, "pooling backward");
            src = resources.memory(srcMd);
            dst = resources.memory(dstMd);
            diffDst = resources.memory(dstMd);
            diffSrc = resources.memory(srcMd);
            if (max) {
                dnnl_memory_desc_t wsMd = dnnl_primitive_desc_query_md(fpd, dnnl_query_workspace_md, 0);
                workspaceArray = Nd4j.create(DataType.FLOAT, Math.max(1, (dnnl_memory_desc_get_size(wsMd) + 3) / 4));
                dnnl_memory workspace = resources.memory(wsMd);
                Dnnl.Resources.point(workspace, workspaceArray);
                forwardArgs = Dnnl.Resources.arguments(DNNL_ARG_SRC, src, DNNL_ARG_DST, dst, DNNL_ARG_WORKSPACE,
                        workspace);
                backwardArgs = Dnnl.Resources.arguments(DNNL_ARG_DIFF_DST, diffDst, DNNL_ARG_DIFF_SRC, diffSrc,
                        DNNL_ARG_WORKSPACE, workspace);
            } else {
                workspaceArray = null;
                forwardArgs = Dnnl.Resources.arguments(DNNL_ARG_SRC, src, DNNL_ARG_DST, dst);
                backwardArgs = Dnnl.Resources.arguments(DNNL_ARG_DIFF_DST, diffDst, DNNL_ARG_DIFF_SRC, diffSrc);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    void forward(INDArray input, INDArray output) {
        Dnnl.Resources.point(src, input);
        Dnnl.Resources.point(dst, output);
        resources.execute(forward, forwardArgs, "pooling forward");
    }

    /** The input gradient of the last {@link #forward} (max-pooling routes through its workspace). */
    void backward(INDArray outputGradient, INDArray inputGradient) {
        Dnnl.Resources.point(diffDst, outputGradient);
        Dnnl.Resources.point(diffSrc, inputGradient);
        resources.execute(backward, backwardArgs, "pooling backward");
    }

    @Override
    public void close() {
        resources.close();
        NativeLayer.close(workspaceArray);
    }
}
