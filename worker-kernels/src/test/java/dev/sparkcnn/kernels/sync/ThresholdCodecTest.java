package dev.sparkcnn.kernels.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ThresholdCodecTest {

    @Test
    void encodesElementsAtTheThresholdAsSignsAndKeepsTheRestAsResidual() {
        float[] residual = {0.5f, -0.25f, 0.1f, -0.6f, 0f};
        float[] original = residual.clone();
        byte[] message = ThresholdCodec.encode(residual, 0.25f);
        assertEquals(3, ThresholdCodec.count(message));
        assertEquals(8 + 3, message.length, "small gaps: one byte per element");
        assertArrayEquals(new float[]{0.25f, 0f, 0.1f, -0.35f, 0f}, residual, 1e-7f);
        float[] decoded = new float[5];
        ThresholdCodec.decodeAdd(message, 1f, decoded);
        assertArrayEquals(new float[]{0.25f, -0.25f, 0f, -0.25f, 0f}, decoded);
        // nothing is lost: decoded + residual = what came in
        for (int i = 0; i < 5; i++) {
            assertEquals(original[i], decoded[i] + residual[i], 1e-7f);
        }
    }

    @Test
    void thresholdHitsTheTargetDensity() {
        Random random = new Random(3);
        float[] residual = new float[200_000];
        for (int i = 0; i < residual.length; i++) {
            residual[i] = (float) random.nextGaussian();
        }
        for (double density : new double[]{1e-3, 1e-2}) {
            float[] r = residual.clone();
            int sent = ThresholdCodec.count(ThresholdCodec.encode(r, ThresholdCodec.threshold(r, density)));
            double actual = (double) sent / residual.length;
            assertTrue(actual > density / 2 && actual < density * 2, "density " + actual + " for target " + density);
        }
    }

    @Test
    void allZeroResidualSendsNothingAndSparseResidualSendsEverything() {
        assertEquals(0, ThresholdCodec.count(ThresholdCodec.encode(new float[100], ThresholdCodec.threshold(new float[100], 0.01))));
        float[] sparse = new float[100_000];
        sparse[5] = 1e-3f;
        sparse[99_999] = -2e-3f; // not in the sample: still within the sampled threshold
        float tau = ThresholdCodec.threshold(sparse, 0.01);
        assertTrue(tau > 0);
        assertTrue(ThresholdCodec.count(ThresholdCodec.encode(sparse, tau)) >= 1);
    }

    @Test
    void largeGapsAndTheLastIndexRoundTrip() {
        float[] residual = new float[3_000_000];
        int[] at = {0, 1, 200, 70_000, 2_999_999};
        for (int k = 0; k < at.length; k++) {
            residual[at[k]] = k % 2 == 0 ? 1f : -1f;
        }
        byte[] message = ThresholdCodec.encode(residual, 1f);
        assertEquals(5, ThresholdCodec.count(message));
        float[] decoded = new float[residual.length];
        ThresholdCodec.decodeAdd(message, 0.5f, decoded);
        for (int k = 0; k < at.length; k++) {
            assertEquals(k % 2 == 0 ? 0.5f : -0.5f, decoded[at[k]]);
        }
        assertEquals(0f, decoded[2]);
    }

    @Test
    void sizeIsAboutAQuarterOfTheDensity() {
        Random random = new Random(4);
        float[] residual = new float[500_000];
        for (int i = 0; i < residual.length; i++) {
            residual[i] = (float) random.nextGaussian();
        }
        byte[] message = ThresholdCodec.encode(residual, ThresholdCodec.threshold(residual, 0.03));
        double ratio = message.length / (4.0 * residual.length);
        assertTrue(ratio < 0.03 / 4 * 1.3, "ratio " + ratio);
    }

    @Test
    void malformedMessagesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ThresholdCodec.decodeAdd(new byte[3], 1f, new float[4]));
        byte[] message = ThresholdCodec.encode(new float[]{0f, 0f, 0f, 1f}, 0.5f);
        assertThrows(IllegalArgumentException.class, () -> ThresholdCodec.decodeAdd(message, 1f, new float[2]));
        byte[] truncated = java.util.Arrays.copyOf(ThresholdCodec.encode(new float[300], 0.5f), 8);
        truncated[7] = 1; // says one element, has none
        assertThrows(IllegalArgumentException.class, () -> ThresholdCodec.decodeAdd(truncated, 1f, new float[300]));
        assertThrows(IllegalArgumentException.class, () -> ThresholdCodec.threshold(new float[3], 0));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, -0.5f})
    void aThresholdThatIsNotFiniteAndNonNegativeIsRefused(float threshold) {
        byte[] message = ThresholdCodec.encode(new float[]{1f, 0f, -1f}, 0.5f);
        java.nio.ByteBuffer.wrap(message).putFloat(0, threshold);
        float[] target = new float[3];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ThresholdCodec.decodeAdd(message, 0.5f, target));
        assertTrue(e.getMessage().contains("threshold " + threshold), e.getMessage());
        assertArrayEquals(new float[3], target, "nothing applied");
    }
}
