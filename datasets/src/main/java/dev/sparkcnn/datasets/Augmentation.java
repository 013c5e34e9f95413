package dev.sparkcnn.datasets;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Which random training-time transforms to apply ({@code --augment flip,crop,rotate}), and how
 * one image is transformed given a random stream. The strengths are fixed, not options: those of
 * the TensorFlow image-classification tutorial ({@code RandomFlip("horizontal")},
 * {@code RandomRotation(0.1)}, {@code RandomZoom(0.1)}) and the usual CIFAR pad-4-and-crop:
 * <ul>
 *   <li>{@code flip}: mirror left to right with probability 1/2;</li>
 *   <li>{@code rotate}: rotate by a uniform angle in ±0.1 of a full turn (±36°) and zoom by a
 *       uniform factor in 1 ± 0.1, bilinear, edges extended ({@link ImageTransforms#rotateZoom});</li>
 *   <li>{@code crop}: pad by {@link #padFor 1/8 of the image side} (4 pixels for 32×32) with zeros
 *       and take a uniformly placed window of the original size ({@link ImageTransforms#padCrop}).</li>
 * </ul>
 * Applied in that order (so rotation never smears the crop's zero border). Immutable.
 */
public record Augmentation(boolean flip, boolean crop, boolean rotate) implements Serializable {
    /** No transform: the default, and always the case for evaluation. */
    public static final Augmentation NONE = new Augmentation(false, false, false);
    /** Largest rotation, as a fraction of a full turn (Keras' RandomRotation factor). */
    public static final double ROTATION_FACTOR = 0.1;
    /** Largest zoom change (Keras' RandomZoom factor): zoom is uniform in 1 ± this. */
    public static final double ZOOM_FACTOR = 0.1;
    /** The transform names {@link #parse} accepts, in the order they are applied. */
    public static final List<String> NAMES = List.of("flip", "rotate", "crop");
    /** Separates augmentation's random streams from the shuffles' (which use the same coordinates). */
    private static final long STREAM = 0xA06_3E47L;

    /**
     * Parses a comma-separated list of transform names; null, blank or {@code none} is no
     * augmentation. Names may repeat and come in any order.
     *
     * @throws IllegalArgumentException naming the unknown transform and the known ones
     */
    public static Augmentation parse(String spec) {
        if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("none")) {
            return NONE;
        }
        boolean flip = false;
        boolean crop = false;
        boolean rotate = false;
        for (String part : spec.split(",", -1)) {
            switch (part.trim().toLowerCase(Locale.ROOT)) {
                case "flip" -> flip = true;
                case "crop" -> crop = true;
                case "rotate" -> rotate = true;
                default -> throw new IllegalArgumentException("'" + part.trim() + "' is not a transform; use a "
                        + "comma-separated list of " + String.join(", ", NAMES) + " (or none)");
            }
        }
        return new Augmentation(flip, crop, rotate);
    }

    /** True when no transform is on. */
    public boolean isNone() {
        return !flip && !crop && !rotate;
    }

    /** The canonical spelling, e.g. {@code flip,crop}, or {@code none}: {@code parse(id())} equals this. */
    public String id() {
        List<String> on = new ArrayList<>();
        if (flip) {
            on.add("flip");
        }
        if (rotate) {
            on.add("rotate");
        }
        if (crop) {
            on.add("crop");
        }
        return on.isEmpty() ? "none" : String.join(",", on);
    }

    /** Zero padding of the crop for an image: 1/8 of its shorter side, rounded, at least 1 (4 for 32×32). */
    public static int padFor(int height, int width) {
        return Math.max(1, (int) Math.round(Math.min(height, width) / 8.0));
    }

    /**
     * The random stream of the image at {@code position} of a partition's shuffled order in an
     * epoch. Keyed by position, not by round or task, so an image gets the same transform whichever
     * strategy, round length or executor trains it, and a different one every epoch.
     */
    public static Random random(long seed, long epoch, long partition, long position) {
        return new Random(Seeds.mix(STREAM, seed, epoch, partition, position));
    }

    /**
     * One randomly transformed copy of a CHW image; the image itself when no transform is on.
     * Draws from {@code rnd} in a fixed order, so the same stream gives the same result.
     */
    public byte[] apply(byte[] pixels, int channels, int height, int width, Random rnd) {
        byte[] out = pixels;
        if (flip && rnd.nextBoolean()) {
            out = ImageTransforms.flipHorizontal(out, channels, height, width);
        }
        if (rotate) {
            double angle = (rnd.nextDouble() * 2 - 1) * ROTATION_FACTOR * 2 * Math.PI;
            double zoom = 1 + (rnd.nextDouble() * 2 - 1) * ZOOM_FACTOR;
            out = ImageTransforms.rotateZoom(out, channels, height, width, angle, zoom);
        }
        if (crop) {
            int pad = padFor(height, width);
            out = ImageTransforms.padCrop(out, channels, height, width, pad, rnd.nextInt(2 * pad + 1),
                    rnd.nextInt(2 * pad + 1));
        }
        return out;
    }
}
