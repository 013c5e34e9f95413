package dev.sparkcnn.kernels.nativeengine;

import static org.bytedeco.dnnl.global.dnnl.*;

import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One convolution's oneDNN primitives for one batch size, float: forward, backward data, backward
 * weights (with the bias gradient). Activations stay NHWC and are read and written in place;
 * oneDNN picks the weights' layout ({@code format any}: blocked, e.g. {@code ABcd8b8a} with AVX2),
 * so each call reorders our OIHW weights (a few kilobytes) into it, and the weight gradient back.
 *
 * <p>Padding is given per side ({@code top, left} and {@code bottom, right}), which covers both
 * explicit padding with the remainder dropped and 'same' mode's uneven split.
 */
final class DnnlConv implements DnnlConvolution {

    private final Dnnl.Resources resources = new Dnnl.Resources();
    private final boolean hasBias;
    private final dnnl_primitive forward;
    private final dnnl_primitive backwardData;
    private final dnnl_primitive backwardWeights;
    private final dnnl_primitive weightsToForward;     // OIHW -> the forward's layout; null if the same
    private final dnnl_primitive weightsToBackward;    // OIHW -> backward data's layout; null if OIHW or forward's
    private final dnnl_primitive gradientToOihw;       // backward weights' layout -> OIHW; null if the same
    private final boolean backwardSharesForwardWeights;
    private final INDArray forwardWeights;   // scratch in the forward's layout, or null
    private final INDArray backwardWeightsScratch; // scratch in backward data's layout, or null
    private final INDArray gradientScratch;  // the weight gradient in backward weights' layout, or null
    private final dnnl_memory src;
    private final dnnl_memory dst;
    private final dnnl_memory userWeights;
    private final dnnl_memory userWeightGradient;
    private final dnnl_memory forwardWeightMemory;
    private final dnnl_memory backwardWeightMemory;
    private final dnnl_memory gradientMemory;
    private final dnnl_memory bias;
    private final dnnl_memory biasGradient;
    private final dnnl_memory diffDst;
    private final dnnl_memory diffSrc;
    private final dnnl_exec_arg_t forwardArgs;
    private final dnnl_exec_arg_t backwardDataArgs;
    private final dnnl_exec_arg_t backwardWeightsArgs;
    private final dnnl_exec_arg_t toForwardArgs;
    private final dnnl_exec_arg_t toBackwardArgs;
    private final dnnl_exec_arg_t toOihwArgs;
    // exactly one side blocked: the convolution runs NHWC on both (oneDNN has only reference kernels
    // for a mix) and that side is reordered, through an NHWC scratch array of its size
    private final Mixed mixedInput;   // the input blocked, the output not; else null
    private final Mixed mixedOutput;  // the output blocked, the input not; else null

    /** One blocked side of a mixed convolution: our blocked array, the NHWC scratch, and the reorders between. */
    private record Mixed(dnnl_memory user, INDArray scratch, INDArray gradientScratch, dnnl_primitive toScratch,
                         dnnl_exec_arg_t toScratchArgs, dnnl_primitive toUser, dnnl_exec_arg_t toUserArgs) {
    }

    /**
     * @param batch     examples per call
     * @param in        input {@code [height, width, channels]}
     * @param out       output {@code [height, width, channels]}
     * @param kernel    the square kernel's side
     * @param padding   {@code [top, left, bottom, right]}, each {@code >= 0}
     * @param inputGradient whether {@link #backward} computes the input gradient
     * @param blockedInput  the input and its gradient in oneDNN's blocked layout, not NHWC (see {@link Dnnl#layoutBlock})
     * @param blockedOutput the output and its gradient likewise
     * @throws IllegalStateException if oneDNN has no implementation for it
     */
    DnnlConv(int batch, long[] in, long[] out, int kernel, int stride, long[] padding, boolean hasBias,
             boolean inputGradient, boolean blockedInput, boolean blockedOutput) {
        this.hasBias = hasBias;
        try {
            long[] srcDims = {batch, in[2], in[0], in[1]};
            long[] dstDims = {batch, out[2], out[0], out[1]};
            long[] weightDims = {out[2], in[2], kernel, kernel};
            long[] strides = {stride, stride};
            long[] padLeft = {padding[0], padding[1]};
            long[] padRight = {padding[2], padding[3]};
            boolean mixed = blockedInput != blockedOutput;
            dnnl_memory_desc_t srcMd = Dnnl.activation(blockedInput && !mixed, batch, in[2], in[0], in[1]);
            dnnl_memory_desc_t dstMd = Dnnl.activation(blockedOutput && !mixed, batch, out[2], out[0], out[1]);
            dnnl_memory_desc_t anyWeights = Dnnl.desc(dnnl_format_tag_any, weightDims);
            dnnl_memory_desc_t oihw = Dnnl.desc(dnnl_abcd, weightDims);
            dnnl_memory_desc_t biasMd = hasBias ? Dnnl.desc(dnnl_a, out[2]) : null;

            dnnl_convolution_desc_t fd = new dnnl_convolution_desc_t();
            Dnnl.check(dnnl_convolution_forward_desc_init(fd, dnnl_forward_training, dnnl_convolution_direct, srcMd,
                    anyWeights, biasMd, dstMd, strides, padLeft, padRight), "convolution forward descriptor");
            dnnl_primitive_desc fpd = resources.primitiveDesc(fd, null, "convolution forward");
            forward = resources.primitive(fpd, "convolution forward");
            dnnl_memory_desc_t forwardWeightMd = dnnl_primitive_desc_query_md(fpd, dnnl_query_weights_md, 0);
            Dnnl.requireLayout(srcMd, dnnl_primitive_desc_query_md(fpd, dnnl_query_src_md, 0),
                    "oneDNN convolution would not take its forward input in the layout given");
            Dnnl.requireLayout(dstMd, dnnl_primitive_desc_query_md(fpd, dnnl_query_dst_md, 0),
                    "oneDNN convolution would not take its forward output in the layout given");

            dnnl_convolution_desc_t wd = new dnnl_convolution_desc_t();
            Dnnl.check(dnnl_convolution_backward_weights_desc_init(wd, dnnl_convolution_direct, srcMd, anyWeights,
                    biasMd, dstMd, strides, padLeft, padRight), "convolution backward weights descriptor");
            dnnl_primitive_desc wpd = resources.primitiveDesc(wd, fpd, "convolution backward weights");
            backwardWeights = resources.primitive(wpd, "convolution backward weights");
            dnnl_memory_desc_t gradientMd = dnnl_primitive_desc_query_md(wpd, dnnl_query_diff_weights_md, 0);

            src = resources.memory(srcMd);
            dst = resources.memory(dstMd);
            diffDst = resources.memory(dstMd);
            userWeights = resources.memory(oihw);
            userWeightGradient = resources.memory(oihw);
            bias = hasBias ? resources.memory(biasMd) : null;
            biasGradient = hasBias ? resources.memory(biasMd) : null;

            boolean forwardIsOihw = dnnl_memory_desc_equal(forwardWeightMd, oihw) != 0;
            forwardWeights = forwardIsOihw ? null : scratch(forwardWeightMd);
            weightsToForward = forwardIsOihw ? null : resources.reorder(oihw, forwardWeightMd);
            forwardWeightMemory = forwardIsOihw ? userWeights : resources.memory(forwardWeightMd);
            toForwardArgs = forwardIsOihw ? null
                    : Dnnl.Resources.arguments(DNNL_ARG_FROM, userWeights, DNNL_ARG_TO, forwardWeightMemory);

            boolean gradientIsOihw = dnnl_memory_desc_equal(gradientMd, oihw) != 0;
            gradientScratch = gradientIsOihw ? null : scratch(gradientMd);
            gradientToOihw = gradientIsOihw ? null : resources.reorder(gradientMd, oihw);
            gradientMemory = gradientIsOihw ? userWeightGradient : resources.memory(gradientMd);
            toOihwArgs = gradientIsOihw ? null
                    : Dnnl.Resources.arguments(DNNL_ARG_FROM, gradientMemory, DNNL_ARG_TO, userWeightGradient);

            if (inputGradient) {
                dnnl_convolution_desc_t dd = new dnnl_convolution_desc_t();
                Dnnl.check(dnnl_convolution_backward_data_desc_init(dd, dnnl_convolution_direct, srcMd, anyWeights,
                        dstMd, strides, padLeft, padRight), "convolution backward data descriptor");
                dnnl_primitive_desc dpd = resources.primitiveDesc(dd, fpd, "convolution backward data");
                backwardData = resources.primitive(dpd, "convolution backward data");
                dnnl_memory_desc_t backwardWeightMd = dnnl_primitive_desc_query_md(dpd, dnnl_query_weights_md, 0);
                diffSrc = resources.memory(srcMd);
                backwardSharesForwardWeights = dnnl_memory_desc_equal(backwardWeightMd, forwardWeightMd) != 0;
                boolean backwardIsOihw = dnnl_memory_desc_equal(backwardWeightMd, oihw) != 0;
                if (backwardSharesForwardWeights || backwardIsOihw) {
                    backwardWeightsScratch = null;
                    weightsToBackward = null;
                    backwardWeightMemory = backwardSharesForwardWeights ? forwardWeightMemory : userWeights;
                    toBackwardArgs = null;
                } else {
                    backwardWeightsScratch = scratch(backwardWeightMd);
                    weightsToBackward = resources.reorder(oihw, backwardWeightMd);
                    backwardWeightMemory = resources.memory(backwardWeightMd);
                    toBackwardArgs = Dnnl.Resources.arguments(DNNL_ARG_FROM, userWeights, DNNL_ARG_TO,
                            backwardWeightMemory);
                }
                backwardDataArgs = Dnnl.Resources.arguments(DNNL_ARG_DIFF_DST, diffDst, DNNL_ARG_WEIGHTS,
                        backwardWeightMemory, DNNL_ARG_DIFF_SRC, diffSrc);
            } else {
                backwardData = null;
                diffSrc = null;
                backwardSharesForwardWeights = false;
                backwardWeightsScratch = null;
                weightsToBackward = null;
                backwardWeightMemory = null;
                toBackwardArgs = null;
                backwardDataArgs = null;
            }
            forwardArgs = hasBias
                    ? Dnnl.Resources.arguments(DNNL_ARG_SRC, src, DNNL_ARG_WEIGHTS, forwardWeightMemory,
                            DNNL_ARG_BIAS, bias, DNNL_ARG_DST, dst)
                    : Dnnl.Resources.arguments(DNNL_ARG_SRC, src, DNNL_ARG_WEIGHTS, forwardWeightMemory,
                            DNNL_ARG_DST, dst);
            backwardWeightsArgs = hasBias
                    ? Dnnl.Resources.arguments(DNNL_ARG_SRC, src, DNNL_ARG_DIFF_DST, diffDst,
                            DNNL_ARG_DIFF_WEIGHTS, gradientMemory, DNNL_ARG_DIFF_BIAS, biasGradient)
                    : Dnnl.Resources.arguments(DNNL_ARG_SRC, src, DNNL_ARG_DIFF_DST, diffDst,
                            DNNL_ARG_DIFF_WEIGHTS, gradientMemory);
            // mixed: the input's forward copy and its gradient, or the output and its gradient, in NHWC
            mixedInput = mixed && blockedInput ? mixed(Dnnl.activation(true, batch, in[2], in[0], in[1]), srcMd,
                    src, inputGradient ? diffSrc : null) : null;
            mixedOutput = mixed && blockedOutput ? mixed(Dnnl.activation(true, batch, out[2], out[0], out[1]), dstMd,
                    diffDst, dst) : null;
            if (forwardWeights != null) {
                Dnnl.Resources.point(forwardWeightMemory, forwardWeights);
            }
            if (backwardWeightsScratch != null) {
                Dnnl.Resources.point(backwardWeightMemory, backwardWeightsScratch);
            }
            if (gradientScratch != null) {
                Dnnl.Resources.point(gradientMemory, gradientScratch);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The reorders of a mixed convolution's blocked side: {@code toScratch} from our blocked array
     * into {@code scratchMemory} (the input forward; the output gradient backward), and
     * {@code toUser} from {@code fromConvolution} into our blocked array (the input gradient; the
     * output), which is pointed at a second scratch array (or null: no input gradient).
     */
    private Mixed mixed(dnnl_memory_desc_t blockedMd, dnnl_memory_desc_t nhwcMd, dnnl_memory scratchMemory,
                        dnnl_memory fromConvolution) {
        dnnl_memory user = resources.memory(blockedMd);
        INDArray scratch = scratch(nhwcMd);
        Dnnl.Resources.point(scratchMemory, scratch);
        INDArray gradientScratch = null;
        dnnl_primitive toUser = null;
        dnnl_exec_arg_t toUserArgs = null;
        if (fromConvolution != null) {
            gradientScratch = fromConvolution == dst ? scratch : scratch(nhwcMd); // output and its gradient share one
            Dnnl.Resources.point(fromConvolution, gradientScratch);
            toUser = resources.reorder(nhwcMd, blockedMd);
            toUserArgs = Dnnl.Resources.arguments(DNNL_ARG_FROM, fromConvolution, DNNL_ARG_TO, user);
        }
        return new Mixed(user, scratch, gradientScratch, resources.reorder(blockedMd, nhwcMd),
                Dnnl.Resources.arguments(DNNL_ARG_FROM, user, DNNL_ARG_TO, scratchMemory), toUser, toUserArgs);
    }

    private static INDArray scratch(dnnl_memory_desc_t md) {
        return Nd4j.create(DataType.FLOAT, Math.max(1, dnnl_memory_desc_get_size(md) / Float.BYTES));
    }

    @Override
    public void forward(INDArray input, INDArray weights, INDArray biasValues, INDArray output) {
        Dnnl.Resources.point(userWeights, weights);
        if (weightsToForward != null) {
            resources.execute(weightsToForward, toForwardArgs, "weight reorder");
        }
        if (mixedInput != null) { // our blocked input into the NHWC copy, which backward weights reads too
            Dnnl.Resources.point(mixedInput.user(), input);
            resources.execute(mixedInput.toScratch(), mixedInput.toScratchArgs(), "input reorder");
        } else {
            Dnnl.Resources.point(src, input);
        }
        if (mixedOutput == null) {
            Dnnl.Resources.point(dst, output);
        }
        if (hasBias) {
            Dnnl.Resources.point(bias, biasValues);
        }
        resources.execute(forward, forwardArgs, "convolution forward");
        if (mixedOutput != null) {
            Dnnl.Resources.point(mixedOutput.user(), output);
            resources.execute(mixedOutput.toUser(), mixedOutput.toUserArgs(), "output reorder");
        }
    }

    @Override
    public void backward(INDArray input, INDArray weights, INDArray outputGradient, INDArray inputGradient,
                  INDArray weightGradient, INDArray biasGradientValues) {
        if (mixedOutput != null) { // into the scratch the forward's NHWC output used: done with it
            Dnnl.Resources.point(mixedOutput.user(), outputGradient);
            resources.execute(mixedOutput.toScratch(), mixedOutput.toScratchArgs(), "output gradient reorder");
        } else {
            Dnnl.Resources.point(diffDst, outputGradient);
        }
        if (backwardData != null) {
            Dnnl.Resources.point(userWeights, weights);
            // else backward data reads forward's copy: the weights have not moved since
            if (weightsToBackward != null) {
                resources.execute(weightsToBackward, toBackwardArgs, "weight reorder");
            }
            if (mixedInput == null) {
                Dnnl.Resources.point(diffSrc, inputGradient);
            }
            resources.execute(backwardData, backwardDataArgs, "convolution backward data");
            if (mixedInput != null) {
                Dnnl.Resources.point(mixedInput.user(), inputGradient);
                resources.execute(mixedInput.toUser(), mixedInput.toUserArgs(), "input gradient reorder");
            }
        }
        if (mixedInput == null) {
            Dnnl.Resources.point(src, input);
        }
        if (hasBias) {
            Dnnl.Resources.point(biasGradient, biasGradientValues);
        }
        if (gradientScratch == null) {
            Dnnl.Resources.point(userWeightGradient, weightGradient);
        }
        resources.execute(backwardWeights, backwardWeightsArgs, "convolution backward weights");
        if (gradientToOihw != null) {
            Dnnl.Resources.point(userWeightGradient, weightGradient);
            resources.execute(gradientToOihw, toOihwArgs, "weight gradient reorder");
        }
    }

    @Override
    public boolean winograd() {
        return false;
    }

    @Override
    public void close() {
        resources.close();
        for (INDArray array : new INDArray[]{forwardWeights, backwardWeightsScratch, gradientScratch}) {
            NativeLayer.close(array);
        }
        for (Mixed side : new Mixed[]{mixedInput, mixedOutput}) {
            if (side != null) {
                NativeLayer.close(side.scratch());
                if (side.gradientScratch() != side.scratch()) {
                    NativeLayer.close(side.gradientScratch());
                }
            }
        }
    }
}
