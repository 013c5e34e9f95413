package dev.sparkcnn.kernels.nativeengine;

import static org.bytedeco.dnnl.global.dnnl.*;

import org.bytedeco.dnnl.dnnl_binary_desc_t;
import org.bytedeco.dnnl.dnnl_eltwise_desc_t;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A residual block's element-wise work for one batch size, float, as oneDNN primitives on
 * contiguous arrays (the layout does not matter element-wise: each is one {@code [batch, rest]}
 * matrix): the forward's {@code output = relu(main + shortcut)} as one binary primitive with the
 * ReLU as a post-op, the ReLU's backward read off that output in place on the gradient, and the
 * sum of the two branches' input gradients. One pass each, against two libnd4j ops forward (add,
 * then ReLU) and two for the ReLU's backward (a sign mask, then a multiply).
 */
final class DnnlResidualAdd implements AutoCloseable {

    private final Dnnl.Resources resources = new Dnnl.Resources();
    private final boolean relu;
    private final dnnl_primitive addActivate;
    private final dnnl_primitive gradientAdd;
    private final dnnl_primitive reluBackward; // null without the ReLU
    private final dnnl_memory left;
    private final dnnl_memory right;
    private final dnnl_memory sum;
    private final dnnl_memory activated;
    private final dnnl_memory gradient;
    private final dnnl_memory gradientLeft;
    private final dnnl_memory gradientRight;
    private final dnnl_memory gradientSum;
    private final dnnl_exec_arg_t addArgs;
    private final dnnl_exec_arg_t gradientSumArgs;
    private final dnnl_exec_arg_t reluBackwardArgs;

    /**
     * @param batch    examples per call
     * @param elements elements per example of the block's output
     * @param inputElements elements per example of its input (and input gradient)
     * @param relu     a ReLU after the addition (else none)
     * @throws IllegalStateException if oneDNN has no implementation for it
     */
    DnnlResidualAdd(int batch, long elements, long inputElements, boolean relu) {
        this.relu = relu;
        dnnl_post_ops postOps = null;
        dnnl_primitive_attr attr = null;
        try {
            dnnl_memory_desc_t md = Dnnl.desc(dnnl_a, batch * elements);
            dnnl_binary_desc_t bd = new dnnl_binary_desc_t();
            Dnnl.check(dnnl_binary_desc_init(bd, dnnl_binary_add, md, md, md), "binary add descriptor");
            dnnl_memory_desc_t inputMd = Dnnl.desc(dnnl_a, batch * inputElements);
            dnnl_binary_desc_t gd = new dnnl_binary_desc_t();
            Dnnl.check(dnnl_binary_desc_init(gd, dnnl_binary_add, inputMd, inputMd, inputMd), "binary add descriptor");
            gradientAdd = resources.primitive(resources.primitiveDesc(gd, null, "gradient sum"), "gradient sum");
            if (relu) {
                postOps = new dnnl_post_ops();
                Dnnl.check(dnnl_post_ops_create(postOps), "post-ops");
                Dnnl.check(dnnl_post_ops_append_eltwise(postOps, 1f, dnnl_eltwise_relu, 0f, 0f), "ReLU post-op");
                attr = new dnnl_primitive_attr();
                Dnnl.check(dnnl_primitive_attr_create(attr), "primitive attributes");
                Dnnl.check(dnnl_primitive_attr_set_post_ops(attr, postOps), "primitive attributes");
                addActivate = resources.primitive(resources.primitiveDesc(bd, attr, null, "binary add + ReLU"),
                        "binary add + ReLU");
                // the backward reads the forward's output: relu'(z) = [relu(z) > 0]
                dnnl_eltwise_desc_t fd = new dnnl_eltwise_desc_t();
                Dnnl.check(dnnl_eltwise_forward_desc_init(fd, dnnl_forward_training, dnnl_eltwise_relu_use_dst_for_bwd,
                        md, 0f, 0f), "ReLU forward descriptor");
                dnnl_primitive_desc fpd = resources.primitiveDesc(fd, null, "ReLU forward");
                dnnl_eltwise_desc_t ed = new dnnl_eltwise_desc_t();
                Dnnl.check(dnnl_eltwise_backward_desc_init(ed, dnnl_eltwise_relu_use_dst_for_bwd, md, md, 0f, 0f),
                        "ReLU backward descriptor");
                reluBackward = resources.primitive(resources.primitiveDesc(ed, fpd, "ReLU backward"), "ReLU backward");
            } else {
                addActivate = resources.primitive(resources.primitiveDesc(bd, null, "binary add"), "binary add");
                reluBackward = null;
            }
            left = resources.memory(md);
            right = resources.memory(md);
            sum = resources.memory(md);
            activated = resources.memory(md);
            gradient = resources.memory(md);
            addArgs = Dnnl.Resources.arguments(DNNL_ARG_SRC_0, left, DNNL_ARG_SRC_1, right, DNNL_ARG_DST, sum);
            gradientLeft = resources.memory(inputMd);
            gradientRight = resources.memory(inputMd);
            gradientSum = resources.memory(inputMd);
            gradientSumArgs = Dnnl.Resources.arguments(DNNL_ARG_SRC_0, gradientLeft, DNNL_ARG_SRC_1, gradientRight,
                    DNNL_ARG_DST, gradientSum);
            // in place: the gradient after the ReLU becomes the gradient before it
            reluBackwardArgs = relu
                    ? Dnnl.Resources.arguments(DNNL_ARG_DST, activated, DNNL_ARG_DIFF_DST, gradient,
                            DNNL_ARG_DIFF_SRC, gradient)
                    : null;
        } catch (RuntimeException e) {
            close();
            throw e;
        } finally {
            if (attr != null) {
                dnnl_primitive_attr_destroy(attr);
            }
            if (postOps != null) {
                dnnl_post_ops_destroy(postOps);
            }
        }
    }

    /** {@code output = relu(main + shortcut)} (or without the ReLU); contiguous arrays of the batch's shape. */
    void forward(INDArray main, INDArray shortcut, INDArray output) {
        Dnnl.Resources.point(left, main);
        Dnnl.Resources.point(right, shortcut);
        Dnnl.Resources.point(sum, output);
        resources.execute(addActivate, addArgs, "residual add");
    }

    /** In place: {@code gradient *= [output > 0]}; nothing without the ReLU. */
    void activationBackward(INDArray output, INDArray outputGradient) {
        if (!relu) {
            return;
        }
        Dnnl.Resources.point(activated, output);
        Dnnl.Resources.point(gradient, outputGradient);
        resources.execute(reluBackward, reluBackwardArgs, "ReLU backward");
    }

    /** {@code out = a + b}: the two branches' input gradients, of the block's input shape. */
    void sum(INDArray a, INDArray b, INDArray out) {
        Dnnl.Resources.point(gradientLeft, a);
        Dnnl.Resources.point(gradientRight, b);
        Dnnl.Resources.point(gradientSum, out);
        resources.execute(gradientAdd, gradientSumArgs, "residual gradient sum");
    }

    @Override
    public void close() {
        resources.close();
    }
}
