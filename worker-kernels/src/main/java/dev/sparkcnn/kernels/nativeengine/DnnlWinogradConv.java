package dev.sparkcnn.kernels.nativeengine;

import static org.bytedeco.dnnl.global.dnnl.*;

import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One 3x3 stride-1 convolution through oneDNN's Winograd kernels ({@code jit_wino_4x3}, AVX-512
 * CPUs only), for one batch size, float. They work on oneDNN's blocked layout only
 * ({@code nChw16c}), so the NHWC activations and gradients are reordered into it and back (four
 * reorders a step), and every buffer the Winograd kernels touch is 64-byte aligned: they use
 * aligned vector loads, and ND4J's buffers are not always aligned (measured: a SIGSEGV on 32 -> 32
 * channels at 8x8 as soon as the buffers sat 16 bytes off; small arrays sit 32 bytes off, large
 * ones are aligned). The weights and bias go through oneDNN's own buffers; the activations'
 * copies are aligned views into arrays of ours, made on the first call that needs them. Only the
 * reorders read and write the arrays given. The backward pass reads the input as the forward
 * reordered it.
 *
 * <p>When the network hands activations on in oneDNN's blocked layout ({@link Dnnl#layoutBlock}),
 * our arrays already have the layout the kernels take: a call whose arrays are all 64-byte aligned
 * then runs on them in place, with no reorders (the weights and bias still go through oneDNN's
 * copies); otherwise it takes the copies as above.
 *
 * <p>Why: at 32 channels and more, the forward and both backward passes take about two thirds of
 * the direct kernels' time (see {@link Dnnl#takesWinograd}).
 */
final class DnnlWinogradConv implements DnnlConvolution {

    private final Dnnl.Resources resources = new Dnnl.Resources();
    private final boolean hasBias;
    private final dnnl_primitive forward;
    private final dnnl_primitive backwardData;    // null without the input gradient
    private final dnnl_primitive backwardWeights;
    private final dnnl_memory userSrc;
    private final dnnl_memory userDst;
    private final dnnl_memory userDiffDst;
    private final dnnl_memory userDiffSrc;
    private final dnnl_memory userWeights;
    private final dnnl_memory userWeightGradient;
    private final dnnl_memory userBias;
    private final dnnl_memory userBiasGradient;
    private final Step[] forwardSteps;
    private final Step[] backwardSteps;
    private final Step[] directForwardSteps;  // on our arrays, no reorders; null unless their layouts are oneDNN's
    private final Step[] directBackwardSteps;
    private final Step inputReorder;          // our input into oneDNN's copy, which backward weights reads
    private boolean forwardRanDirect;
    // oneDNN's blocked copies of the activations and gradients, for calls on our arrays that the
    // kernels cannot take in place; allocated (64-byte aligned) on the first such call
    private final dnnl_memory[] copyMemories;
    private final long[] copyLengths;
    private INDArray[] copies;       // 64-byte aligned views, one per memory above (null where none)
    private INDArray[] copyBuffers;  // the arrays they view

    /** One primitive with its arguments. */
    private record Step(dnnl_primitive primitive, dnnl_exec_arg_t args, String what) {
    }

    /**
     * @param batch         examples per call
     * @param in            input {@code [height, width, channels]}
     * @param outChannels   filters
     * @param hasBias       whether the layer has a bias
     * @param inputGradient whether {@link #backward} computes the input gradient
     * @param blockedInput  the input and its gradient in oneDNN's blocked layout, not NHWC (see {@link Dnnl#layoutBlock})
     * @param blockedOutput the output and its gradient likewise
     * @throws IllegalStateException if oneDNN has no Winograd implementation for it (no AVX-512, a
     *                               shape it declines) or lays out its tensors other than expected
     */
    DnnlWinogradConv(int batch, long[] in, long outChannels, boolean hasBias, boolean inputGradient,
                     boolean blockedInput, boolean blockedOutput) {
        this.hasBias = hasBias;
        try {
            long[] srcDims = {batch, in[2], in[0], in[1]};
            long[] dstDims = {batch, outChannels, in[0], in[1]};
            long[] weightDims = {outChannels, in[2], 3, 3};
            long[] strides = {1, 1};
            long[] pad = {1, 1};
            dnnl_memory_desc_t nhwcSrc = Dnnl.activation(blockedInput, batch, in[2], in[0], in[1]);
            dnnl_memory_desc_t nhwcDst = Dnnl.activation(blockedOutput, batch, outChannels, in[0], in[1]);
            dnnl_memory_desc_t oihw = Dnnl.desc(dnnl_abcd, weightDims);
            dnnl_memory_desc_t biasMd = hasBias ? Dnnl.desc(dnnl_a, outChannels) : null;

            dnnl_convolution_desc_t fd = new dnnl_convolution_desc_t();
            Dnnl.check(dnnl_convolution_forward_desc_init(fd, dnnl_forward_training, dnnl_convolution_winograd,
                    Dnnl.desc(dnnl_format_tag_any, srcDims), Dnnl.desc(dnnl_format_tag_any, weightDims), biasMd,
                    Dnnl.desc(dnnl_format_tag_any, dstDims), strides, pad, pad), "Winograd forward descriptor");
            dnnl_primitive_desc fpd = resources.primitiveDesc(fd, null, "Winograd forward");
            forward = resources.primitive(fpd, "Winograd forward");
            dnnl_memory_desc_t srcMd = dnnl_primitive_desc_query_md(fpd, dnnl_query_src_md, 0);
            dnnl_memory_desc_t dstMd = dnnl_primitive_desc_query_md(fpd, dnnl_query_dst_md, 0);
            dnnl_memory_desc_t weightMd = dnnl_primitive_desc_query_md(fpd, dnnl_query_weights_md, 0);

            dnnl_convolution_desc_t wd = new dnnl_convolution_desc_t();
            Dnnl.check(dnnl_convolution_backward_weights_desc_init(wd, dnnl_convolution_winograd, srcMd,
                    Dnnl.desc(dnnl_format_tag_any, weightDims), biasMd, dstMd, strides, pad, pad),
                    "Winograd backward weights descriptor");
            dnnl_primitive_desc wpd = resources.primitiveDesc(wd, fpd, "Winograd backward weights");
            backwardWeights = resources.primitive(wpd, "Winograd backward weights");
            Dnnl.requireLayout(srcMd, dnnl_primitive_desc_query_md(wpd, dnnl_query_src_md, 0),
                    "oneDNN's Winograd passes disagree on the layout of the backward weights input");
            Dnnl.requireLayout(dstMd, dnnl_primitive_desc_query_md(wpd, dnnl_query_diff_dst_md, 0),
                    "oneDNN's Winograd passes disagree on the layout of the backward weights output gradient");
            dnnl_memory_desc_t gradientMd = dnnl_primitive_desc_query_md(wpd, dnnl_query_diff_weights_md, 0);
            dnnl_memory diffSrc = null;

            // ours, pointed at the arrays on each call
            userSrc = resources.memory(nhwcSrc);
            userDst = resources.memory(nhwcDst);
            userDiffDst = resources.memory(nhwcDst);
            userWeights = resources.memory(oihw);
            userWeightGradient = resources.memory(oihw);
            userBias = hasBias ? resources.memory(biasMd) : null;
            userBiasGradient = hasBias ? resources.memory(biasMd) : null;
            // the activations' blocked copies (buffers on first need: see withCopies), then oneDNN's own
            dnnl_memory src = resources.memory(srcMd);
            dnnl_memory dst = resources.memory(dstMd);
            dnnl_memory diffDst = resources.memory(dstMd);
            dnnl_memory weights = resources.ownedMemory(weightMd);
            dnnl_memory gradient = resources.ownedMemory(gradientMd);
            dnnl_memory bias = hasBias ? resources.ownedMemory(biasMd) : null;
            dnnl_memory biasGradient = hasBias ? resources.ownedMemory(biasMd) : null;

            java.util.List<Step> fwd = new java.util.ArrayList<>();
            fwd.add(reorder(userWeights, oihw, weights, weightMd, "weight reorder"));
            if (hasBias) {
                fwd.add(reorder(userBias, biasMd, bias, biasMd, "bias copy"));
            }
            fwd.add(reorder(userSrc, nhwcSrc, src, srcMd, "input reorder"));
            fwd.add(new Step(forward, hasBias
                    ? Dnnl.Resources.arguments(DNNL_ARG_SRC, src, DNNL_ARG_WEIGHTS, weights, DNNL_ARG_BIAS, bias,
                            DNNL_ARG_DST, dst)
                    : Dnnl.Resources.arguments(DNNL_ARG_SRC, src, DNNL_ARG_WEIGHTS, weights, DNNL_ARG_DST, dst),
                    "Winograd forward"));
            fwd.add(reorder(dst, dstMd, userDst, nhwcDst, "output reorder"));
            forwardSteps = fwd.toArray(Step[]::new);
            inputReorder = fwd.get(hasBias ? 2 : 1);
            boolean direct = dnnl_memory_desc_equal(nhwcSrc, srcMd) != 0 && dnnl_memory_desc_equal(nhwcDst, dstMd) != 0;
            directForwardSteps = !direct ? null : new Step[]{fwd.get(0), hasBias ? fwd.get(1) : null,
                    new Step(forward, hasBias
                            ? Dnnl.Resources.arguments(DNNL_ARG_SRC, userSrc, DNNL_ARG_WEIGHTS, weights,
                                    DNNL_ARG_BIAS, bias, DNNL_ARG_DST, userDst)
                            : Dnnl.Resources.arguments(DNNL_ARG_SRC, userSrc, DNNL_ARG_WEIGHTS, weights,
                                    DNNL_ARG_DST, userDst), "Winograd forward")};
            java.util.List<Step> directBwd = new java.util.ArrayList<>();

            java.util.List<Step> bwd = new java.util.ArrayList<>();
            bwd.add(reorder(userDiffDst, nhwcDst, diffDst, dstMd, "output gradient reorder"));
            if (inputGradient) {
                dnnl_convolution_desc_t dd = new dnnl_convolution_desc_t();
                Dnnl.check(dnnl_convolution_backward_data_desc_init(dd, dnnl_convolution_winograd, srcMd,
                        Dnnl.desc(dnnl_format_tag_any, weightDims), dstMd, strides, pad, pad),
                        "Winograd backward data descriptor");
                dnnl_primitive_desc dpd = resources.primitiveDesc(dd, fpd, "Winograd backward data");
                backwardData = resources.primitive(dpd, "Winograd backward data");
                Dnnl.requireLayout(srcMd, dnnl_primitive_desc_query_md(dpd, dnnl_query_diff_src_md, 0),
                    "oneDNN's Winograd passes disagree on the layout of the backward data input gradient");
                Dnnl.requireLayout(dstMd, dnnl_primitive_desc_query_md(dpd, dnnl_query_diff_dst_md, 0),
                    "oneDNN's Winograd passes disagree on the layout of the backward data output gradient");
                dnnl_memory_desc_t backwardWeightMd = dnnl_primitive_desc_query_md(dpd, dnnl_query_weights_md, 0);
                dnnl_memory backwardWeights = weights; // the forward's copy, when the layouts agree
                if (dnnl_memory_desc_equal(backwardWeightMd, weightMd) == 0) {
                    backwardWeights = resources.ownedMemory(backwardWeightMd);
                    bwd.add(reorder(userWeights, oihw, backwardWeights, backwardWeightMd, "weight reorder"));
                }
                diffSrc = resources.memory(srcMd);
                userDiffSrc = resources.memory(nhwcSrc);
                bwd.add(new Step(backwardData, Dnnl.Resources.arguments(DNNL_ARG_DIFF_DST, diffDst,
                        DNNL_ARG_WEIGHTS, backwardWeights, DNNL_ARG_DIFF_SRC, diffSrc), "Winograd backward data"));
                bwd.add(reorder(diffSrc, srcMd, userDiffSrc, nhwcSrc, "input gradient reorder"));
                if (backwardWeights != weights) {
                    directBwd.add(bwd.get(bwd.size() - 3));
                }
                directBwd.add(new Step(backwardData, Dnnl.Resources.arguments(DNNL_ARG_DIFF_DST, userDiffDst,
                        DNNL_ARG_WEIGHTS, backwardWeights, DNNL_ARG_DIFF_SRC, userDiffSrc), "Winograd backward data"));
            } else {
                backwardData = null;
                userDiffSrc = null;
            }
            bwd.add(backwardWeightsStep(src, diffDst, gradient, biasGradient));
            directBwd.add(backwardWeightsStep(userSrc, userDiffDst, gradient, biasGradient));
            bwd.add(reorder(gradient, gradientMd, userWeightGradient, oihw, "weight gradient reorder"));
            directBwd.add(bwd.get(bwd.size() - 1));
            if (hasBias) {
                bwd.add(reorder(biasGradient, biasMd, userBiasGradient, biasMd, "bias gradient copy"));
                directBwd.add(bwd.get(bwd.size() - 1));
            }
            backwardSteps = bwd.toArray(Step[]::new);
            copyMemories = new dnnl_memory[]{src, dst, diffDst, diffSrc};
            long srcLength = dnnl_memory_desc_get_size(srcMd) / Float.BYTES;
            long dstLength = dnnl_memory_desc_get_size(dstMd) / Float.BYTES;
            copyLengths = new long[]{srcLength, dstLength, dstLength, srcLength};
            directBackwardSteps = direct ? directBwd.toArray(Step[]::new) : null;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Backward weights reading {@code input} and {@code outputGradient}: oneDNN's copies, or our arrays in place. */
    private Step backwardWeightsStep(dnnl_memory input, dnnl_memory outputGradient, dnnl_memory gradient,
                                     dnnl_memory biasGradient) {
        return new Step(backwardWeights, hasBias
                ? Dnnl.Resources.arguments(DNNL_ARG_SRC, input, DNNL_ARG_DIFF_DST, outputGradient,
                        DNNL_ARG_DIFF_WEIGHTS, gradient, DNNL_ARG_DIFF_BIAS, biasGradient)
                : Dnnl.Resources.arguments(DNNL_ARG_SRC, input, DNNL_ARG_DIFF_DST, outputGradient,
                        DNNL_ARG_DIFF_WEIGHTS, gradient),
                "Winograd backward weights");
    }

    private Step reorder(dnnl_memory from, dnnl_memory_desc_t fromMd, dnnl_memory to, dnnl_memory_desc_t toMd,
                         String what) {
        return new Step(resources.reorder(fromMd, toMd),
                Dnnl.Resources.arguments(DNNL_ARG_FROM, from, DNNL_ARG_TO, to), what);
    }

    @Override
    public void forward(INDArray input, INDArray weights, INDArray biasValues, INDArray output) {
        Dnnl.Resources.point(userWeights, weights);
        if (hasBias) {
            Dnnl.Resources.point(userBias, biasValues);
        }
        Dnnl.Resources.point(userSrc, input);
        Dnnl.Resources.point(userDst, output);
        forwardRanDirect = directForwardSteps != null && aligned(input) && aligned(output);
        run(forwardRanDirect ? directForwardSteps : withCopies(forwardSteps));
    }

    /** {@code steps}, after giving oneDNN's copies their buffers if this is the first call that needs them. */
    private Step[] withCopies(Step[] steps) {
        if (copies == null) {
            copies = new INDArray[copyMemories.length];
            copyBuffers = new INDArray[copyMemories.length];
            for (int i = 0; i < copies.length; i++) {
                if (copyMemories[i] != null) {
                    copyBuffers[i] = org.nd4j.linalg.factory.Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT,
                            copyLengths[i] + 64 / Float.BYTES);
                    long offset = (64 - Dnnl.address(copyBuffers[i]).address() % 64) % 64 / Float.BYTES;
                    copies[i] = NativeLayer.view(copyBuffers[i], offset, copyLengths[i]);
                    Dnnl.Resources.point(copyMemories[i], copies[i]);
                }
            }
        }
        return steps;
    }

    /** Whether a call has needed oneDNN's copies of the activations (none has if every call ran in place). */
    boolean tookCopies() {
        return copies != null;
    }

    private void run(Step[] steps) {
        for (Step step : steps) {
            if (step != null) {
                resources.execute(step.primitive(), step.args(), step.what());
            }
        }
    }

    /** Whether the Winograd kernels may read or write an array in place: 64-byte aligned (see the class comment). */
    private static boolean aligned(INDArray array) {
        return array == null || Dnnl.address(array).address() % 64 == 0;
    }

    @Override
    public void backward(INDArray input, INDArray weights, INDArray outputGradient, INDArray inputGradient,
                         INDArray weightGradient, INDArray biasGradientValues) {
        Dnnl.Resources.point(userWeights, weights);
        Dnnl.Resources.point(userDiffDst, outputGradient);
        if (userDiffSrc != null) {
            Dnnl.Resources.point(userDiffSrc, inputGradient);
        }
        Dnnl.Resources.point(userWeightGradient, weightGradient);
        if (hasBias) {
            Dnnl.Resources.point(userBiasGradient, biasGradientValues);
        }
        if (forwardRanDirect && aligned(outputGradient) && (userDiffSrc == null || aligned(inputGradient))) {
            Dnnl.Resources.point(userSrc, input);
            run(directBackwardSteps);
            return;
        }
        if (forwardRanDirect) { // backward weights reads oneDNN's copy of the input, which that forward skipped
            Dnnl.Resources.point(userSrc, input);
            run(withCopies(new Step[]{inputReorder}));
        }
        run(withCopies(backwardSteps));
    }

    /** Whether the last forward ran on the arrays given, with no copies (see the class comment). */
    boolean ranInPlace() {
        return forwardRanDirect;
    }

    @Override
    public boolean winograd() {
        return true;
    }

    @Override
    public void close() {
        resources.close();
        if (copyBuffers != null) {
            for (INDArray buffer : copyBuffers) {
                NativeLayer.close(buffer);
            }
        }
    }
}
