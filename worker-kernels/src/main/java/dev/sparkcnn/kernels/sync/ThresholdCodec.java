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
 * Message: threshold (float), count (int), then per sent element, in index order, the gap to the
 * previous sent index shifted left by one with the sign in the low bit, as an unsigned LEB128
 * varint: one byte while gaps stay below 64, i.e. at densities above about 2%, so a message costs
 * about density / 4 of the dense vector's bytes.
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
        byte[] body = new byte[256];
        int length = 0;
        int count = 0;
        int previous = -1;
        if (threshold > 0) {
            for (int i = 0; i < residual.length; i++) {
                float v = residual[i];
                boolean positive = v >= threshold;
                if (positive || v <= -threshold) {
                    residual[i] = positive ? v - threshold : v + threshold;
                    long code = ((long) (i - previous) << 1) | (positive ? 0 : 1);
                    previous = i;
                    if (length + 5 > body.length) {
                        body = Arrays.copyOf(body, body.length * 2);
                    }
                    while (code >= 0x80) {
                        body[length++] = (byte) (code | 0x80);
                        code >>>= 7;
                    }
                    body[length++] = (byte) code;
                    count++;
                }
            }
        }
        ByteBuffer message = ByteBuffer.allocate(HEADER + length);
        message.putFloat(threshold).putInt(count).put(body, 0, length);
        return message.array();
    }

    /**
     * Adds {@code scale} times the decoded update to {@code target}.
     *
     * @throws IllegalArgumentException if the message is malformed, its threshold is not finite and
     *                                  non-negative, or an index is out of range
     */
    public static void decodeAdd(byte[] message, float scale, float[] target) {
        if (message.length < HEADER) {
            throw new IllegalArgumentException("encoded update of " + message.length + " bytes is shorter than its header");
        }
        ByteBuffer buffer = ByteBuffer.wrap(message);
        float threshold = buffer.getFloat();
        if (!(Float.isFinite(threshold) && threshold >= 0)) {
            throw new IllegalArgumentException("encoded update has threshold " + threshold
                    + "; it must be finite and >= 0");
        }
        float step = threshold * scale;
        if (!Float.isFinite(step)) {
            throw new IllegalArgumentException("encoded update's step " + threshold + " x " + scale + " is not finite");
        }
        int count = buffer.getInt();
        if (count < 0 || count > message.length - HEADER) {
            throw new IllegalArgumentException("encoded update says " + count + " elements but has " + message.length
                    + " bytes");
        }
        int position = HEADER;
        long index = -1;
        for (int k = 0; k < count; k++) {
            long code = 0;
            int shift = 0;
            while (true) {
                if (position >= message.length || shift > 35) {
                    throw new IllegalArgumentException("encoded update is truncated at element " + k + " of " + count);
                }
                byte b = message[position++];
                code |= (long) (b & 0x7f) << shift;
                shift += 7;
                if (b >= 0) {
                    break;
                }
            }
            index += code >>> 1;
            if (code >>> 1 == 0 || index >= target.length) {
                throw new IllegalArgumentException("encoded index " + index + " is outside 0.." + (target.length - 1));
            }
            target[(int) index] += (code & 1) == 0 ? step : -step;
        }
        if (position != message.length) {
            throw new IllegalArgumentException("encoded update has " + (message.length - position)
                    + " bytes after its " + count + " elements");
        }
    }

    /** Elements a message carries. */
    public static int count(byte[] message) {
        return ByteBuffer.wrap(message).getInt(Float.BYTES);
    }
}
