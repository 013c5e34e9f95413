package dev.sparkcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    @Test
    void parsesAnySubsetAndSpellsItCanonically() {
        assertEquals(Augmentation.NONE, Augmentation.parse(null));
        assertEquals(Augmentation.NONE, Augmentation.parse("none"));
        assertEquals(new Augmentation(true, true, false), Augmentation.parse("crop, flip"));
        assertEquals(new Augmentation(true, true, true), Augmentation.parse("rotate,flip,crop,flip"));
        assertEquals("flip,rotate,crop", Augmentation.parse("crop,rotate,flip").id());
        assertEquals("none", Augmentation.NONE.id());
        for (String id : new String[] {"flip", "crop", "rotate", "flip,crop"}) {
            assertEquals(Augmentation.parse(id), Augmentation.parse(Augmentation.parse(id).id()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("flip,zoom"));
        assertTrue(e.getMessage().contains("'zoom'") && e.getMessage().contains("flip, rotate, crop"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("flip,"));
    }

    @Test
    void padScalesWithTheImage() {
        assertEquals(4, Augmentation.padFor(32, 32));
        assertEquals(4, Augmentation.padFor(28, 28));
        assertEquals(8, Augmentation.padFor(64, 80));
        assertEquals(1, Augmentation.padFor(4, 4));
    }

    @Test
    void sameCoordinatesGiveTheSameImageOtherEpochsAnotherOne() {
        Augmentation all = Augmentation.parse("flip,crop,rotate");
        byte[] image = new byte[3 * 32 * 32];
        new Random(4).nextBytes(image);
        byte[] a = all.apply(image, 3, 32, 32, Augmentation.random(42, 1, 0, 17));
        byte[] b = all.apply(image, 3, 32, 32, Augmentation.random(42, 1, 0, 17));
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, all.apply(image, 3, 32, 32, Augmentation.random(42, 2, 0, 17))));
        assertFalse(Arrays.equals(a, all.apply(image, 3, 32, 32, Augmentation.random(42, 1, 1, 17))));
        assertFalse(Arrays.equals(a, all.apply(image, 3, 32, 32, Augmentation.random(42, 1, 0, 18))));
    }

    @Test
    void flipAloneIsEitherTheImageOrItsMirrorAboutHalfTheTime() {
        Augmentation flip = Augmentation.parse("flip");
        byte[] image = new byte[2 * 3 * 5];
        new Random(5).nextBytes(image);
        byte[] mirror = ImageTransforms.flipHorizontal(image, 2, 3, 5);
        int flipped = 0;
        for (int i = 0; i < 1000; i++) {
            byte[] out = flip.apply(image, 2, 3, 5, Augmentation.random(1, 0, 0, i));
            if (Arrays.equals(out, mirror)) {
                flipped++;
            } else {
                assertArrayEquals(image, out);
            }
        }
        assertTrue(flipped > 430 && flipped < 570, flipped + " of 1000 flipped");
    }

    @Test
    void cropAloneIsAShiftOfAtMostThePad() {
        Augmentation crop = Augmentation.parse("crop");
        byte[] image = new byte[16 * 16];
        Arrays.fill(image, (byte) 9);
        for (int i = 0; i < 200; i++) {
            byte[] out = crop.apply(image, 1, 16, 16, Augmentation.random(1, 0, 0, i));
            int zeroRows = 0;
            int zeroColumns = 0;
            for (int k = 0; k < 16; k++) {
                zeroRows += out[k * 16 + 8] == 0 ? 1 : 0;
                zeroColumns += out[8 * 16 + k] == 0 ? 1 : 0;
            }
            assertTrue(zeroRows <= 2 && zeroColumns <= 2, "pad of a 16x16 image is 2");
        }
    }

    @Test
    void noneReturnsTheImageItself() {
        byte[] image = new byte[12];
        assertSame(image, Augmentation.NONE.apply(image, 3, 2, 2, new Random(0)));
    }
}
