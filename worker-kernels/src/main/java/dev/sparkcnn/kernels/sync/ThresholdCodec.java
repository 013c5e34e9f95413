package dev.sparkcnn.kernels.sync;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Threshold encoding of an update with residual accumulation (Strom 2015; what Deeplearning4j's
 * gradient sharing sends): every element whose accumulated value reaches the threshold in
 * magnitude is sent as its index and sign only, and the threshold is subtracted from it; the rest
 * stays in the residual for later steps, so nothing is lost, only delayed.
 *
 * <p>The threshold adapts every step to a target density (the fraction of elements sent): it is
 * the matching quantile of the residual's magnitudes, estimated from an evenly spaced sample.
 * Message: threshold (float), count (int), then one int per element: {@code +(index+1)} or
 * {@code -(index+1)}; 4 bytes per sent element against 4 per element for a dense vector.
 */
public final class ThresholdCodec {

    private static final int SAMPLE = 16_384;
    private static final int HEADER = Float.BYTES + Integer.BYTES;

    private ThresholdCodec() {
    }

    /**
     * The threshold that sends about {@code density} of the residual's elements: its
     * (1 - density) magnitude quantile over a sample (exactly, over the non-zeros, when the sample
     * holds none); 0 when the residual is all zeros.
     */
    public static float threshold(float[] residual, double density) {
        if (!(density > 0 && density <= 1)) {
            throw new IllegalArgumentException("density must be in (0, 1], got " + density);
        }
        int n = residual.length;
        int sampleSize = Math.min(n, SAMPLE);
        float[] sample = new float[sampleSize];
        double stride = (double) n / sampleSize;
        for (int i = 0; i < sampleSize; i++) {
            sample[i] = Math.abs(residual[(int) (i * stride)]);
        }
        Arrays.sort(sample);
        int keep = (int) Math.max(1, Math.round(sampleSize * density));
        float tau = sample[sampleSize - keep];
        if (tau == 0) {
            // the sample is (almost) all zeros: the non-zeros are few, find them exactly
            tau = exactQuantileOfNonZeros(residual, (int) Math.max(1, Math.round(n * density)));
        }
        return tau;
    }

    private static float exactQuantileOfNonZeros(float[] residual, int keep) {
        float[] magnitudes = new float[64];
        int count = 0;
        for (float v : residual) {
            if (v != 0) {
                if (count == magnitudes.length) {
                    magnitudes = Arrays.copyOf(magnitudes, count * 2);
                }
                magnitudes[count++] = Math.abs(v);
            }
        }
        if (count == 0) {
            return 0;
        }
        Arrays.sort(magnitudes, 0, count);
        return magnitudes[Math.max(0, count - keep)];
    }

    /**
     * Encodes the elements of {@code residual} with magnitude at least {@code threshold} (none when
     * it is 0) and subtracts what was encoded from the residual.
     */
    public static byte[] encode(float[] residual, float threshold) {
        int[] indices = new int[64];
        int count = 0;
        if (threshold > 0) {
            for (int i = 0; i < residual.length; i++) {
                float v = residual[i];
                if (v >= threshold) {
                    residual[i] = v - threshold;
                    indices = grow(indices, count);
                    indices[count++] = i + 1;
                } else if (v <= -threshold) {
                    residual[i] = v + threshold;
                    indices = grow(indices, count);
                    indices[count++] = -(i + 1);
                }
            }
        }
        ByteBuffer message = ByteBuffer.allocate(HEADER + count * Integer.BYTES);
        message.putFloat(threshold).putInt(count);
        message.asIntBuffer().put(indices, 0, count);
        return message.array();
    }

    /**
     * Adds {@code scale} times the decoded update to {@code target}.
     *
     * @throws IllegalArgumentException if the message is malformed or an index is out of range
     */
    public static void decodeAdd(byte[] message, float scale, float[] target) {
        if (message.length < HEADER) {
            throw new IllegalArgumentException("encoded update of " + message.length + " bytes is shorter than its header");
        }
        ByteBuffer buffer = ByteBuffer.wrap(message);
        float step = buffer.getFloat() * scale;
        int count = buffer.getInt();
        if (count < 0 || message.length != HEADER + (long) count * Integer.BYTES) {
            throw new IllegalArgumentException("encoded update says " + count + " elements but has " + message.length
                    + " bytes");
        }
        for (int k = 0; k < count; k++) {
            int code = buffer.getInt();
            int index = Math.abs(code) - 1;
            if (code == 0 || index >= target.length) {
                throw new IllegalArgumentException("encoded index " + code + " is outside 1.." + target.length);
            }
            target[index] += code > 0 ? step : -step;
        }
    }

    /** Elements a message carries. */
    public static int count(byte[] message) {
        return ByteBuffer.wrap(message).getInt(Float.BYTES);
    }

    private static int[] grow(int[] indices, int count) {
        return count < indices.length ? indices : Arrays.copyOf(indices, indices.length * 2);
    }
}
