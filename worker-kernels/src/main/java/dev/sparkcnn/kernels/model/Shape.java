package dev.sparkcnn.kernels.model;

import java.io.Serializable;

/**
 * The per-example shape of activations between layers: an image of {@code channels x height x
 * width}, or (after a dense layer, flatten or global pooling) {@code features} flat values, shown
 * as {@code channels} with height and width 1.
 *
 * @param channels channels of an image, or the number of flat features
 * @param height   image height (1 when flat)
 * @param width    image width (1 when flat)
 * @param flat     whether these are flat features rather than an image
 */
public record Shape(int channels, int height, int width, boolean flat) implements Serializable {

    /** An image shape. */
    public static Shape image(int channels, int height, int width) {
        return new Shape(channels, height, width, false);
    }

    /** Flat features. */
    public static Shape features(long count) {
        return new Shape(Math.toIntExact(count), 1, 1, true);
    }

    /** Values per example. */
    public long size() {
        return (long) channels * height * width;
    }

    /** {@code 3x32x32} for an image, {@code 128} for flat features. */
    @Override
    public String toString() {
        return flat ? String.valueOf(channels) : channels + "x" + height + "x" + width;
    }

    /**
     * Parses {@code CxHxW}, e.g. {@code 3x32x32}.
     *
     * @throws IllegalArgumentException if it is not three positive integers joined by {@code x}
     */
    public static Shape parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("x");
        try {
            if (parts.length == 3) {
                Shape shape = image(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
                if (shape.channels > 0 && shape.height > 0 && shape.width > 0) {
                    return shape;
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("input shape '" + text + "' is not CHANNELSxHEIGHTxWIDTH with positive "
                + "integers, e.g. 3x32x32");
    }
}
