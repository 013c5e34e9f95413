package dev.sparkcnn.kernels.nativeengine;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One layer of the {@code native} engine: a forward and a backward pass through libnd4j ops on
 * arrays allocated once per batch size and reused every step. Activations are NHWC for image
 * layers (or, when every layer of the network can, oneDNN's blocked layout: {@link #runsBlocked})
 * and {@code [batch, features]} after them; parameters and their gradients are views into
 * the network's flat buffers, in the layout the network definition fixes, so the flat state is
 * interchangeable with engine {@code dl4j}.
 *
 * <h2>Adding a layer type</h2>
 * A new layer is one class implementing this interface plus one case in {@link NativeCompiler}
 * (which maps the definition's {@link dev.sparkcnn.kernels.model.LayerSpec} to it and passes the
 * per-example input shape). The class must keep this contract:
 * <ul>
 *   <li><b>Shapes.</b> The constructor takes the per-example input shape ({@code [h, w, c]} or
 *   {@code [features]}) and the spec's settings, and fails with {@link IllegalArgumentException}
 *   on settings it cannot run; {@link #outputShape} equals the shape the spec's
 *   {@code outputShape} infers (NHWC order).</li>
 *   <li><b>Parameters.</b> {@link #numParams} is the total length of the arrays the spec's
 *   {@code params(...)} declares, and {@link #bind} views them at {@code offset} in exactly that
 *   order, shape and memory order ({@code 'c'} or {@code 'f'}), e.g. batch norm: gamma, beta,
 *   running mean, running variance, each {@code [channels]}. Initial values are not the layer's
 *   business: {@link dev.sparkcnn.kernels.model.ParamLayout#initialParams} draws them.</li>
 *   <li><b>Non-trainable state</b> (a batch norm's running statistics) lives in the parameter
 *   buffer so that it is averaged and checkpointed with the parameters: the training forward pass
 *   updates it in place, and {@link #backward} writes zeros to its gradient positions, so the
 *   optimizer (which runs over the whole flat vector) leaves it unchanged.</li>
 *   <li><b>Training and inference.</b> A layer that behaves differently in the two (batch norm,
 *   dropout) reads the mode from the {@link StepContext} that {@code NativeNetwork} hands every
 *   layer through {@link #begin} before each forward pass (training in {@code fit} and
 *   {@code computeGradient}, inference in {@code predict}). Dropout masks come from generators
 *   seeded by the context's key (seed, partition, step, row), never a global one.</li>
 *   <li><b>Batch slices.</b> Each of {@code NativeNetwork}'s batch slices has its own instance of
 *   every layer (its own arrays, the shared parameter buffer), run on its own thread; state a
 *   layer writes into the parameter buffer must therefore be written by one slice only, or
 *   combined deterministically (slice order). A network with batch normalization is not sliced:
 *   its batch statistics span the whole batch, as in every other framework.</li>
 *   <li><b>Memory.</b> {@link #allocate} (re)creates every array for a batch size and
 *   {@link #release} frees them; {@link #forward} and {@link #backward} allocate nothing and return
 *   reused arrays (prepared ops, {@link PreparedOp}, bound once in {@code allocate}).</li>
 *   <li><b>Layout.</b> A new layer keeps {@link #runsBlocked}'s default (no) unless it calls
 *   oneDNN with the layout it is told, or is element-wise; a network with it then stays NHWC.</li>
 *   <li><b>Tests.</b> Reference tests against naive loops in float and double, forward and every
 *   gradient ({@code KernelReferenceTest}, {@code LayerHarness}), and, where engine {@code dl4j}
 *   has the layer, agreement with it ({@code DefinitionCompileTest}).</li>
 * </ul>
 */
interface NativeLayer {

    /** Parameters of this layer in the flat buffer (0 for pooling). */
    long numParams();

    /** The per-example output shape, without the batch dimension. */
    long[] outputShape();

    /** Binds the parameter and gradient views: {@code numParams()} values of each flat buffer from {@code offset}. */
    void bind(INDArray params, INDArray gradients, long offset);

    /** (Re)allocates the activation and gradient arrays for batches of {@code size} images. */
    void allocate(int size);

    /** The activations for an input of the allocated batch size; the returned array is reused. */
    INDArray forward(INDArray input);

    /**
     * Given the loss gradient with respect to the last {@link #forward} output (which it may
     * overwrite), writes (not adds) this layer's parameter gradients and returns the gradient with
     * respect to that forward's input (a reused array), or {@code null} from a layer built not to
     * compute it (the network's first convolution: its input is the data).
     */
    INDArray backward(INDArray outputGradient);

    /** Releases the arrays this layer allocated. */
    void release();

    /**
     * Whether {@link #backward} may write to the output gradient it is given (the contract allows
     * it); a layer that only reads it says so, and a residual block then gives it the block's
     * gradient without a copy.
     */
    default boolean overwritesOutputGradient() {
        return true;
    }

    /**
     * Whether {@link #backward} reads the output array its forward returned (e.g. a ReLU's mask is
     * read off it). A layer whose backward does not say so, and a residual block then writes its
     * sum over that array instead of into one of its own (one pass with no fresh memory to fill).
     */
    default boolean backwardReadsOutput() {
        return true;
    }

    /**
     * Whether this layer can run with every image activation it reads or writes whose channels fill
     * whole blocks of {@code block} in oneDNN's blocked layout ({@code nChw16c} for 16), and their
     * gradients likewise, so that the network hands them on without reorders (see
     * {@link Dnnl#layoutBlock}). Layers that call oneDNN directly can; layers on libnd4j's ops
     * cannot, unless no activation of theirs fills whole blocks. A network runs blocked only if all
     * its layers can.
     */
    default boolean runsBlocked(int block) {
        return false;
    }

    /**
     * Runs this layer blocked from the next {@link #allocate} on, as {@link #runsBlocked} described;
     * called only when that said yes. The network's input stays NHWC: a network runs blocked only if
     * its input channels do not fill whole blocks, or fill exactly one (the same bytes).
     */
    default void useBlocked(int block) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not run blocked");
    }

    /**
     * Tells the layer what the next forward (and backward) runs: training or inference, and the
     * step's random key and batch share (see {@link StepContext}). Only batch normalization,
     * dropout and the blocks holding them care; the others ignore it. A layer never told runs as
     * in {@link StepContext#TRAINING}.
     */
    default void begin(StepContext context) {
    }

    /** A {@code shape} view of {@code length(shape)} values of a flat 1-d buffer from {@code offset}, 'c' order. */
    static INDArray view(INDArray flat, long offset, long... shape) {
        if (offset < 0 || offset + size(shape) > flat.length()) {
            throw new IllegalArgumentException("a view of " + size(shape) + " values from " + offset
                    + " does not fit a buffer of " + flat.length());
        }
        return Nd4j.create(flat.data(), shape, Nd4j.getStrides(shape, 'c'), offset, 'c');
    }

    /**
     * {@code array} reshaped ('c' order) as a view of its memory. The layers keep such views, and
     * prepared ops read and write through them every step, so a reshape that ND4J would answer with
     * a copy (a non-contiguous array) is an error here, not a silent stale copy.
     */
    static INDArray reshapedView(INDArray array, long... shape) {
        if (array.ordering() != 'c' || !org.nd4j.linalg.api.shape.Shape.hasDefaultStridesForShape(array)) {
            throw new IllegalStateException("reshaping " + java.util.Arrays.toString(array.shape()) + " (strides "
                    + java.util.Arrays.toString(array.stride()) + ") to " + java.util.Arrays.toString(shape)
                    + " would copy it: not a contiguous 'c' array");
        }
        return array.reshape('c', shape);
    }

    /**
     * Whether an array's values lie in 'c' order without gaps, as native code that takes a bare
     * address reads them (oneDNN, {@link Dnnl}). The strides of size-1 dimensions do not matter:
     * ND4J does not always give them the default value.
     */
    static boolean contiguous(INDArray array) {
        long[] shape = array.shape();
        long[] stride = array.stride();
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /** Closes an array this engine allocated, if ND4J allows it; tolerates {@code null}. */
    static void close(INDArray array) {
        if (array != null && array.closeable()) {
            array.close();
        }
    }

    /** The product of a shape's dimensions. */
    static long size(long[] shape) {
        long size = 1;
        for (long s : shape) {
            size *= s;
        }
        return size;
    }
}
