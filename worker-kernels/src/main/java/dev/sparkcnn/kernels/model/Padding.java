package dev.sparkcnn.kernels.model;

import java.io.Serializable;

/**
 * How a convolution or pooling window meets the image border: {@code valid} (no padding, the
 * remainder dropped), {@code same} (output {@code ceil(in / stride)}, the total padding split with
 * the smaller half at the top/left, as TensorFlow and DL4J do) or an explicit number of zeros on
 * every side (PyTorch's {@code padding=p}).
 *
 * @param same   whether this is {@code same} padding
 * @param amount zeros on every side when not {@code same} (0 = {@code valid})
 */
public record Padding(boolean same, int amount) implements Serializable {

    /** No padding. */
    public static final Padding VALID = new Padding(false, 0);

    /** TensorFlow's {@code same}. */
    public static final Padding SAME = new Padding(true, 0);

    public Padding {
        if (amount < 0 || (same && amount != 0)) {
            throw new IllegalArgumentException("padding must be 'same', 'valid' or a number >= 0, got " + amount);
        }
    }

    /** {@code amount} zeros on every side. */
    public static Padding of(int amount) {
        return amount == 0 ? VALID : new Padding(false, amount);
    }

    /** The output side length for an input side, window and stride (may be &lt;= 0: nothing left). */
    public long outputSide(long in, int window, int stride) {
        if (same) {
            return (in + stride - 1) / stride;
        }
        return Math.floorDiv(in + 2L * amount - window, stride) + 1;
    }

    /** {@code same}, {@code valid} or {@code pad N}, for summaries and messages. */
    @Override
    public String toString() {
        return same ? "same" : amount == 0 ? "valid" : "pad " + amount;
    }
}
