package dev.sparkcnn.kernels.model;

import java.util.Arrays;

/**
 * One array of a network's flat parameter vector: its shape and memory order (which fix how its
 * values are laid out), whether the optimizer trains it, and how its initial values are drawn.
 *
 * @param name      the layer index and role, e.g. {@code 3.W}, {@code 5.mean}, for messages
 * @param shape     the array's dimensions, e.g. {@code [out, in, kh, kw]} for a convolution's weights
 * @param order     {@code 'c'} (row-major) or {@code 'f'} (column-major) flattening of {@code shape}
 * @param trainable {@code false} for state the forward pass writes (batch-norm running mean and
 *                  variance): it travels, is averaged and is checkpointed with the parameters, but the
 *                  optimizer skips it
 * @param init      how the initial values are drawn
 * @param fanIn     inputs per output unit, for {@code init}
 * @param fanOut    outputs per input unit, for {@code init}
 */
public record ParamArray(String name, long[] shape, char order, boolean trainable, WeightInit init, double fanIn,
                         double fanOut) {

    public ParamArray {
        shape = shape.clone();
        if (order != 'c' && order != 'f') {
            throw new IllegalArgumentException("order must be 'c' or 'f', got '" + order + "'");
        }
    }

    /** A trainable constant-initialised array (bias, batch-norm scale or shift), 'c' order. */
    public static ParamArray constant(String name, WeightInit init, long... shape) {
        return new ParamArray(name, shape, 'c', true, init, 0, 0);
    }

    /**
     * True for a weight (a convolution kernel or a dense matrix): trained and drawn at random from
     * its fans. Weight decay applies to these only; biases and batch-norm scale and shift are
     * constant-initialised, and the running statistics are not trained.
     */
    public boolean weight() {
        return trainable && fanIn > 0;
    }

    /** Values in this array. */
    public long length() {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamArray p && name.equals(p.name) && Arrays.equals(shape, p.shape) && order == p.order
                && trainable == p.trainable && init == p.init && fanIn == p.fanIn && fanOut == p.fanOut;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + (trainable ? "" : " (not trained)");
    }
}
