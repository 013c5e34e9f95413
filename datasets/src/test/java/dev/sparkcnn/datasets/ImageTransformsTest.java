package dev.sparkcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageTransformsTest {

    /** A 2-channel image whose pixel (c, y, x) is 100·c + 10·y + x: every position tells where it is. */
    private static byte[] coordinates(int channels, int height, int width) {
        byte[] p = new byte[channels * height * width];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    p[(c * height + y) * width + x] = (byte) (100 * c + 10 * y + x);
                }
            }
        }
        return p;
    }

    private static int at(byte[] p, int c, int y, int x, int height, int width) {
        return p[(c * height + y) * width + x] & 0xFF;
    }

    @Test
    void flipMirrorsEveryRowOfEveryChannel() {
        byte[] in = coordinates(2, 3, 4);
        byte[] before = in.clone();
        byte[] out = ImageTransforms.flipHorizontal(in, 2, 3, 4);
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 4; x++) {
                    assertEquals(at(in, c, y, 3 - x, 3, 4), at(out, c, y, x, 3, 4), "c" + c + " y" + y + " x" + x);
                }
            }
        }
        assertArrayEquals(before, in, "the input is not written");
        assertArrayEquals(in, ImageTransforms.flipHorizontal(out, 2, 3, 4), "flipping twice is the identity");
    }

    @Test
    void padCropShiftsByTheChosenOffsetAndFillsWithZeros() {
        byte[] in = coordinates(2, 5, 6);
        // pad 2, window at (3, 1): out(y, x) = in(y - 1, x + 1)
        byte[] out = ImageTransforms.padCrop(in, 2, 5, 6, 2, 3, 1);
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 6; x++) {
                    int sy = y - 1;
                    int sx = x + 1;
                    int expected = sy >= 0 && sx < 6 ? 100 * c + 10 * sy + sx : 0;
                    assertEquals(expected, at(out, c, y, x, 5, 6), "c" + c + " y" + y + " x" + x);
                }
            }
        }
        assertArrayEquals(in, ImageTransforms.padCrop(in, 2, 5, 6, 2, 2, 2), "the centred window is the identity");
        byte[] corner = ImageTransforms.padCrop(in, 2, 5, 6, 2, 0, 0);
        assertEquals(0, at(corner, 1, 1, 1, 5, 6));
        assertEquals(100, at(corner, 1, 2, 2, 5, 6), "in(0, 0) moved to (2, 2)");
        assertThrows(IllegalArgumentException.class, () -> ImageTransforms.padCrop(in, 2, 5, 6, 2, 5, 0));
    }

    @Test
    void rotationByZeroWithoutZoomIsTheIdentity() {
        byte[] in = new byte[3 * 8 * 8];
        new Random(1).nextBytes(in);
        assertArrayEquals(in, ImageTransforms.rotateZoom(in, 3, 8, 8, 0, 1));
    }

    @Test
    void smallRotationKeepsTheCentrePixelAndChangesOthers() {
        byte[] in = new byte[3 * 7 * 7];
        new Random(2).nextBytes(in);
        byte[] out = ImageTransforms.rotateZoom(in, 3, 7, 7, 0.2, 1.05);
        for (int c = 0; c < 3; c++) {
            assertEquals(at(in, c, 3, 3, 7, 7), at(out, c, 3, 3, 7, 7), "centre of channel " + c);
        }
        assertFalse(Arrays.equals(in, out));
    }

    @Test
    void quarterTurnIsCounterClockwiseOnScreen() {
        byte[] in = new byte[5 * 5];
        in[2 * 5 + 4] = (byte) 200; // right of the centre
        byte[] out = ImageTransforms.rotateZoom(in, 1, 5, 5, Math.PI / 2, 1);
        assertEquals(200, at(out, 0, 0, 2, 5, 5), "moves to above the centre");
        assertEquals(0, at(out, 0, 2, 4, 5, 5));
    }

    @Test
    void zoomAboveOneShrinksTheContentAndExtendsTheEdges() {
        byte[] in = new byte[9 * 9];
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 9; x++) {
                in[y * 9 + x] = (byte) (x * 20); // horizontal ramp 0..160
            }
        }
        byte[] out = ImageTransforms.rotateZoom(in, 1, 9, 9, 0, 2);
        assertEquals(80, at(out, 0, 4, 4, 9, 9));
        assertEquals(120, at(out, 0, 4, 5, 9, 9), "one pixel right of the centre samples two to its right");
        assertEquals(160, at(out, 0, 4, 8, 9, 9), "beyond the edge takes the edge pixel");
        assertEquals(0, at(out, 0, 0, 0, 9, 9));
    }
}
