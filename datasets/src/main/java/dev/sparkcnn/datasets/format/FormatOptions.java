package dev.sparkcnn.datasets.format;

import dev.sparkcnn.datasets.BoundedImageReader;
import java.io.Serializable;
import java.util.EnumSet;
import java.util.Set;

/**
 * The settings a reader may need beyond the files: format-specific choices (null when not given)
 * and the size limits every reader honours.
 *
 * @param labelSet       CIFAR-100's {@code fine} or {@code coarse}; null = not given
 * @param imageSize      the side image folders are resized to; null = not given
 * @param maxImagePixels images declaring more pixels (width x height) than this are refused before
 *                       they are decoded
 */
public record FormatOptions(String labelSet, Integer imageSize, long maxImagePixels) implements Serializable {
    /** {@link BoundedImageReader#DEFAULT_MAX_PIXELS}: 4096 x 4096. */
    public static final long DEFAULT_MAX_IMAGE_PIXELS = BoundedImageReader.DEFAULT_MAX_PIXELS;

    public FormatOptions {
        if (maxImagePixels < 1) {
            throw new IllegalArgumentException("--max-image-pixels must be >= 1, got " + maxImagePixels);
        }
        if (imageSize != null && imageSize < 1) {
            throw new IllegalArgumentException("--image-size must be >= 1, got " + imageSize);
        }
    }

    /** No format-specific settings, default limits. */
    public static FormatOptions defaults() {
        return new FormatOptions(null, null, DEFAULT_MAX_IMAGE_PIXELS);
    }

    public FormatOptions withLabelSet(String set) {
        return new FormatOptions(set, imageSize, maxImagePixels);
    }

    public FormatOptions withImageSize(Integer size) {
        return new FormatOptions(labelSet, size, maxImagePixels);
    }

    public FormatOptions withMaxImagePixels(long pixels) {
        return new FormatOptions(labelSet, imageSize, pixels);
    }

    /** The format-specific options that were given. */
    public Set<FormatOption> given() {
        Set<FormatOption> out = EnumSet.noneOf(FormatOption.class);
        if (labelSet != null) {
            out.add(FormatOption.LABEL_SET);
        }
        if (imageSize != null) {
            out.add(FormatOption.IMAGE_SIZE);
        }
        return out;
    }
}
