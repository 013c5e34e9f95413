package dev.sparkcnn.kernels.nativeengine;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One layer of the {@code native} engine: a forward and a backward pass through libnd4j ops on
 * arrays allocated once per batch size and reused every step. Activations are NHWC for image
 * layers and {@code [batch, features]} after them; parameters and their gradients are views into
 * the network's flat buffers, in DL4J's layout, so the flat state is interchangeable with engine
 * {@code dl4j}.
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
