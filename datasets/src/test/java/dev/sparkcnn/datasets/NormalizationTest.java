package dev.sparkcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class NormalizationTest {
    private static final float EPS = 1e-6f;

    private static byte[] pixels(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void unitMapsToZeroOne() {
        float[] out = new float[3];
        Normalization.unit(1).apply(pixels(0, 51, 255), out, 0);
        assertArrayEquals(new float[] {0f, 0.2f, 1f}, out, EPS);
    }

    @Test
    void halfHalfMapsToMinusOneOne() {
        float[] out = new float[3];
        Normalization.uniform(0.5f, 0.5f, 3).apply(pixels(0, 255, 128), out, 0);
        assertArrayEquals(new float[] {-1f, 1f, 1f / 255}, out, EPS);
    }

    @Test
    void eachChannelUsesItsOwnMeanAndStdAndOffsetIsRespected() {
        Normalization n = new Normalization(new float[] {0.1f, 0.2f, 0.3f}, new float[] {0.5f, 1f, 2f});
        float[] out = new float[8];
        out[0] = out[7] = 42f;
        // CHW: two pixels per channel
        n.apply(pixels(0, 255, 51, 255, 0, 102), out, 1);
        assertArrayEquals(new float[] {42f, -0.2f, 1.8f, 0f, 0.8f, -0.15f, 0.05f, 42f}, out, EPS);
    }

    @Test
    void rejectsBadParameters() {
        assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[] {0}, new float[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[] {0}, new float[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[] {0}, new float[] {Float.NaN}));
        assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[] {0, 0}, new float[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Normalization.unit(0));
    }

    @Test
    void rejectsMismatchedImagesAndOutputs() {
        Normalization n = Normalization.unit(3);
        assertThrows(IllegalArgumentException.class, () -> n.apply(new byte[4], new float[4], 0));
        assertThrows(IllegalArgumentException.class, () -> n.apply(new byte[3], new float[5], 3));
    }

    @Test
    void isImmutableAndComparesByValue() {
        float[] mean = {0.5f};
        Normalization n = new Normalization(mean, new float[] {0.25f});
        mean[0] = 0f;
        n.mean()[0] = 0f;
        assertEquals(0.5f, n.mean()[0]);
        assertEquals(Normalization.uniform(0.5f, 0.25f, 1), n);
        assertEquals(Normalization.uniform(0.5f, 0.25f, 1).hashCode(), n.hashCode());
        assertEquals(1, n.channels());
    }

    @Test
    void survivesJavaSerialization() throws IOException, ClassNotFoundException {
        Normalization n = new Normalization(new float[] {0.49f, 0.48f, 0.45f}, new float[] {0.25f, 0.24f, 0.26f});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(n);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(n, in.readObject());
        }
    }
}
