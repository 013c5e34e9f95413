package dev.sparkcnn.kernels.nativeengine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A residual block: the input runs through the main branch's layers and through the shortcut's
 * (none: the identity; else e.g. a 1x1 convolution without bias and a batch normalization), the two
 * outputs are added and an activation applied. Parameters: the main branch's layers in order,
 * then the shortcut's. Backward: the gradient after the activation goes into both branches (the
 * main one gets a copy, since layers may overwrite the gradient they are given, unless its last
 * layer is a batch norm that does not) and the two input gradients are summed.
 *
 * <p>Float blocks with a ReLU or no activation do the addition, the ReLU and its backward and the
 * gradient sum as oneDNN primitives when it is available ({@link DnnlResidualAdd}: one pass each);
 * otherwise, or on arrays that are not contiguous, libnd4j's ops. In oneDNN the sum goes over the
 * main branch's output when its last layer's backward does not read it (a batch norm in oneDNN:
 * every ResNet block) and the input gradients' sum over the main branch's: in place, each takes
 * half the time of writing a third array.
 */
final class NativeResidual implements NativeLayer {

    private final DataType dataType;
    private final long[] inShape;
    private final long[] outShape;
    private final List<NativeLayer> main;
    private final List<NativeLayer> shortcut;
    private final NativeActivation activation;

    private INDArray preActivation;
    private INDArray output;
    private INDArray mainGradient;
    private INDArray inputGradient;
    private PreparedOp addOp;
    private PreparedOp activationOp;
    private PreparedOp gradientSumOp;
    private INDArray lastMainOutput;
    private INDArray lastShortcutOutput;
    private INDArray lastOutputGradient;
    private INDArray lastMainInputGradient;
    private INDArray lastShortcutInputGradient;
    private Runnable activationBackwardOp;
    private DnnlResidualAdd dnnl; // float, ReLU or identity, oneDNN available; else null
    private INDArray dnnlOutput;  // what the last forward in oneDNN returned
    private int block;            // told to run blocked (element-wise here: nothing changes but the copy's flag)

    /**
     * @param inShape    the block's per-example input shape
     * @param main       the main branch, first to last, at least one layer
     * @param shortcut   the shortcut's layers; empty for the identity
     * @param activation applied after the addition
     */
    NativeResidual(DataType dataType, long[] inShape, List<NativeLayer> main, List<NativeLayer> shortcut,
                   NativeActivation activation) {
        if (main.isEmpty()) {
            throw new IllegalArgumentException("a residual block needs at least one layer in its main branch");
        }
        this.dataType = dataType;
        this.inShape = inShape.clone();
        this.main = List.copyOf(main);
        this.shortcut = List.copyOf(shortcut);
        this.activation = activation;
        this.outShape = main.get(main.size() - 1).outputShape();
        long[] shortcutShape = shortcut.isEmpty() ? inShape : shortcut.get(shortcut.size() - 1).outputShape();
        if (!Arrays.equals(outShape, shortcutShape)) {
            throw new IllegalArgumentException("residual branches do not match: the main branch gives "
                    + Arrays.toString(outShape) + ", the shortcut " + Arrays.toString(shortcutShape));
        }
    }

    /** The same block with each of its layers replaced by {@code replace}'s result (e.g. a timing wrapper). */
    NativeResidual withLayers(java.util.function.UnaryOperator<NativeLayer> replace) {
        NativeResidual copy = new NativeResidual(dataType, inShape, main.stream().map(replace).toList(),
                shortcut.stream().map(replace).toList(), activation);
        copy.block = block; // the layers were told already
        return copy;
    }

    /** If every layer of both branches can: the addition, the activation and the gradient sum are element-wise. */
    @Override
    public boolean runsBlocked(int channelBlock) {
        return layers().stream().allMatch(layer -> layer.runsBlocked(channelBlock));
    }

    @Override
    public void useBlocked(int channelBlock) {
        block = channelBlock;
        for (NativeLayer layer : layers()) {
            layer.useBlocked(channelBlock);
        }
    }

    @Override
    public long numParams() {
        long n = 0;
        for (NativeLayer layer : layers()) {
            n += layer.numParams();
        }
        return n;
    }

    /** The main branch's layers, first to last. */
    List<NativeLayer> main() {
        return main;
    }

    /** The shortcut's layers, first to last; empty for the identity. */
    List<NativeLayer> shortcut() {
        return shortcut;
    }

    /** The main branch's layers then the shortcut's: the order of their parameters. */
    List<NativeLayer> layers() {
        List<NativeLayer> all = new ArrayList<>(main);
        all.addAll(shortcut);
        return all;
    }

    @Override
    public long[] outputShape() {
        return outShape.clone();
    }

    @Override
    public void bind(INDArray params, INDArray gradients, long offset) {
        long at = offset;
        for (NativeLayer layer : layers()) {
            layer.bind(params, gradients, at);
            at += layer.numParams();
        }
    }

    @Override
    public void begin(StepContext context) {
        for (NativeLayer layer : layers()) {
            layer.begin(context);
        }
    }

    @Override
    public void allocate(int size) {
        release();
        for (NativeLayer layer : layers()) {
            layer.allocate(size);
        }
        output = Nd4j.create(dataType, withBatch(size, outShape));
        preActivation = activation.inPlace() ? output : Nd4j.create(dataType, withBatch(size, outShape));
        mainGradient = Nd4j.create(dataType, withBatch(size, outShape));
        inputGradient = Nd4j.create(dataType, withBatch(size, inShape));
        DynamicCustomOp activate = activation.forward(preActivation, output);
        activationOp = activate == null ? null : new PreparedOp(activate);
        dnnl = directAdd(size);
    }

    private DnnlResidualAdd directAdd(int size) {
        boolean relu = activation == NativeActivation.RELU;
        if (dataType != DataType.FLOAT || !(relu || activation == NativeActivation.IDENTITY) || !Dnnl.available()) {
            return null;
        }
        try {
            return new DnnlResidualAdd(size, NativeLayer.size(outShape), NativeLayer.size(inShape), relu);
        } catch (IllegalStateException e) {
            org.slf4j.LoggerFactory.getLogger(NativeResidual.class).warn(
                    "residual add over {}: libnd4j's ops, not oneDNN directly ({})", Arrays.toString(outShape),
                    e.getMessage());
            return null;
        }
    }

    /** Whether this block, as allocated, does its addition and activation in oneDNN (see {@link Dnnl}). */
    boolean callsOneDnn() {
        return dnnl != null;
    }

    private static long[] withBatch(int size, long[] shape) {
        long[] full = new long[shape.length + 1];
        full[0] = size;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return full;
    }

    @Override
    public INDArray forward(INDArray in) {
        INDArray mainOut = in;
        for (NativeLayer layer : main) {
            mainOut = layer.forward(mainOut);
        }
        INDArray shortcutOut = in;
        for (NativeLayer layer : shortcut) {
            shortcutOut = layer.forward(shortcutOut);
        }
        if (dnnl != null && NativeLayer.contiguous(mainOut) && NativeLayer.contiguous(shortcutOut)) {
            boolean inPlace = mainOut != in && !main.get(main.size() - 1).backwardReadsOutput();
            dnnlOutput = inPlace ? mainOut : output;
            dnnl.forward(mainOut, shortcutOut, dnnlOutput);
            return dnnlOutput;
        }
        dnnlOutput = null;
        if (addOp == null || mainOut != lastMainOutput || shortcutOut != lastShortcutOutput) {
            PreparedOp.close(addOp);
            lastMainOutput = mainOut;
            lastShortcutOutput = shortcutOut;
            addOp = new PreparedOp(DynamicCustomOp.builder("add").addInputs(mainOut, shortcutOut)
                    .addOutputs(preActivation).build());
        }
        addOp.exec();
        if (activationOp != null) {
            activationOp.exec();
        }
        return output;
    }

    @Override
    public INDArray backward(INDArray outputGradient) {
        if (dnnlOutput != null) { // the forward ran in oneDNN: its output is where it put it
            if (!NativeLayer.contiguous(outputGradient)) {
                outputGradient = outputGradient.dup('c');
            }
            dnnl.activationBackward(dnnlOutput, outputGradient);
        } else {
            activationBackward(outputGradient);
        }
        // the main branch gets its own copy unless its last layer only reads the gradient: a batch
        // norm without an activation (every ResNet block), which spares a copy of the block's output
        INDArray mainInputGradient = outputGradient;
        if (main.get(main.size() - 1).overwritesOutputGradient()) {
            mainGradient.assign(outputGradient);
            mainInputGradient = mainGradient;
        }
        for (int i = main.size() - 1; i >= 0; i--) {
            mainInputGradient = main.get(i).backward(mainInputGradient);
        }
        INDArray shortcutInputGradient = outputGradient;
        for (int i = shortcut.size() - 1; i >= 0; i--) {
            shortcutInputGradient = shortcut.get(i).backward(shortcutInputGradient);
        }
        if (dnnl != null && NativeLayer.contiguous(mainInputGradient) && NativeLayer.contiguous(shortcutInputGradient)) {
            // over the main branch's input gradient, a layer's array this step is done with
            boolean inPlace = mainInputGradient != outputGradient && mainInputGradient != shortcutInputGradient;
            INDArray sum = inPlace ? mainInputGradient : inputGradient;
            dnnl.sum(mainInputGradient, shortcutInputGradient, sum);
            return sum;
        }
        if (gradientSumOp == null || mainInputGradient != lastMainInputGradient
                || shortcutInputGradient != lastShortcutInputGradient) {
            PreparedOp.close(gradientSumOp);
            lastMainInputGradient = mainInputGradient;
            lastShortcutInputGradient = shortcutInputGradient;
            gradientSumOp = new PreparedOp(DynamicCustomOp.builder("add")
                    .addInputs(mainInputGradient, shortcutInputGradient).addOutputs(inputGradient).build());
        }
        gradientSumOp.exec();
        return inputGradient;
    }

    /** The activation's backward through libnd4j's ops, in place on the gradient. */
    private void activationBackward(INDArray outputGradient) {
        if (outputGradient != lastOutputGradient) {
            lastOutputGradient = outputGradient;
            // the main branch's copy is made after the activation's backward: it can hold ReLU's mask
            activationBackwardOp = activation.backward(preActivation, output, outputGradient, mainGradient);
        }
        if (activationBackwardOp != null) {
            activationBackwardOp.run();
        }
    }

    @Override
    public void release() {
        for (NativeLayer layer : layers()) {
            layer.release();
        }
        PreparedOp.close(addOp);
        PreparedOp.close(activationOp);
        PreparedOp.close(gradientSumOp);
        if (dnnl != null) {
            dnnl.close();
            dnnl = null;
        }
        dnnlOutput = null;
        if (preActivation != output) {
            NativeLayer.close(preActivation);
        }
        NativeLayer.close(output);
        NativeLayer.close(mainGradient);
        NativeLayer.close(inputGradient);
        addOp = null;
        activationOp = null;
        gradientSumOp = null;
        preActivation = null;
        output = null;
        mainGradient = null;
        inputGradient = null;
        lastMainOutput = null;
        lastShortcutOutput = null;
        lastOutputGradient = null;
        lastMainInputGradient = null;
        lastShortcutInputGradient = null;
        activationBackwardOp = null;
    }
}
