package dev.sparkcnn.datasets;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Per-channel scaling of uint8 pixels to floats: {@code (p / 255 - mean[c]) / std[c]}. Mean and
 * std are in the [0, 1] pixel scale, as usually published (e.g. CIFAR-10 mean 0.4914, 0.4822,
 * 0.4465). Immutable: the arrays are copied in and out.
 *
 * @param mean per-channel mean in [0, 1] pixel units
 * @param std  per-channel standard deviation in [0, 1] pixel units, each {@code > 0}
 */
public record Normalization(float[] mean, float[] std) implements Serializable {

    public Normalization {
        if (mean == null || std == null || mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("normalization needs one mean and one std per channel, got "
                    + Arrays.toString(mean) + " and " + Arrays.toString(std));
        }
        for (int c = 0; c < mean.length; c++) {
            if (!Float.isFinite(mean[c])) {
                throw new IllegalArgumentException("normalization mean of channel " + c + " must be finite, got " + mean[c]);
            }
            if (!(std[c] > 0) || !Float.isFinite(std[c])) {
                throw new IllegalArgumentException("normalization std of channel " + c
                        + " must be a finite number > 0, got " + std[c]);
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** No centring: pixels map to [0, 1]. */
    public static Normalization unit(int channels) {
        return uniform(0f, 1f, channels);
    }

    /** The same mean and std for every channel; {@code uniform(0.5f, 0.5f, c)} maps pixels to [-1, 1]. */
    public static Normalization uniform(float mean, float std, int channels) {
        if (channels <= 0) {
            throw new IllegalArgumentException("channels must be > 0, got " + channels);
        }
        float[] m = new float[channels];
        float[] s = new float[channels];
        Arrays.fill(m, mean);
        Arrays.fill(s, std);
        return new Normalization(m, s);
    }

    public int channels() {
        return mean.length;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /**
     * Writes the normalized CHW image to {@code out[offset .. offset + pixels.length)}. Each
     * channel holds {@code pixels.length / channels()} consecutive values. Allocates nothing.
     *
     * @throws IllegalArgumentException if the pixel count is not a multiple of the channel count
     *                                  or {@code out} is too small
     */
    public void apply(byte[] pixels, float[] out, int offset) {
        int channels = mean.length;
        int plane = pixels.length / channels;
        if (plane * channels != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " pixels are not a whole number of "
                    + channels + "-channel images; the normalization does not match the dataset's channels");
        }
        if (offset < 0 || offset > out.length - pixels.length) {
            throw new IllegalArgumentException("output of length " + out.length + " has no room for "
                    + pixels.length + " values at offset " + offset);
        }
        int i = 0;
        for (int c = 0; c < channels; c++) {
            float scale = 1f / (255f * std[c]);
            float shift = -mean[c] / std[c];
            for (int end = i + plane; i < end; i++) {
                out[offset + i] = (pixels[i] & 0xFF) * scale + shift;
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(n.mean, mean) && Arrays.equals(n.std, std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
