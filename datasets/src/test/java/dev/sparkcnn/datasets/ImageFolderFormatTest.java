package dev.sparkcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decoding and resizing with javax.imageio, on images generated here (PNG, JPEG; grey, colour, alpha). */
class ImageFolderFormatTest {

    static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            assertTrue(ImageIO.write(image, format, out), "no writer for " + format);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static BufferedImage colour(int width, int height, int type, int argb) {
        BufferedImage image = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, argb);
            }
        }
        return image;
    }

    private static ImageRecord decode(byte[] file, int channels, int size) {
        return ImageFolderFormat.decode(new ByteArrayInputStream(file), "cat/x.png", 4, channels, size);
    }

    @ParameterizedTest
    @CsvSource({"7, 3", "40, 30", "100, 50", "16, 16", "3, 40"})
    void aConstantColourStaysThatColourAtAnySize(int width, int height) {
        ImageRecord r = decode(encode(colour(width, height, BufferedImage.TYPE_INT_RGB, 0xC86432), "png"), 3, 16);
        assertEquals(4, r.label());
        assertEquals(3 * 16 * 16, r.pixels().length);
        for (int i = 0; i < 256; i++) {
            assertEquals(200, Byte.toUnsignedInt(r.pixels()[i]), "red at " + i);
            assertEquals(100, Byte.toUnsignedInt(r.pixels()[256 + i]), "green at " + i);
            assertEquals(50, Byte.toUnsignedInt(r.pixels()[512 + i]), "blue at " + i);
        }
    }

    @Test
    void rowsAndColumnsKeepTheirPlace() {
        // left half black, right half white, on a wide image; then top black, bottom white on a tall one
        BufferedImage wide = colour(40, 20, BufferedImage.TYPE_INT_RGB, 0);
        BufferedImage tall = colour(20, 40, BufferedImage.TYPE_INT_RGB, 0);
        for (int y = 0; y < 20; y++) {
            for (int x = 20; x < 40; x++) {
                wide.setRGB(x, y, 0xFFFFFF);
                tall.setRGB(y, x, 0xFFFFFF);
            }
        }
        ImageRecord w = decode(encode(wide, "png"), 3, 8);
        ImageRecord t = decode(encode(tall, "png"), 3, 8);
        for (int k = 0; k < 8; k++) {
            assertEquals(0, w.pixel(0, k, 0, 8, 8), "wide: left column black");
            assertEquals(255, w.pixel(2, k, 7, 8, 8), "wide: right column white");
            assertEquals(0, t.pixel(1, 0, k, 8, 8), "tall: top row black");
            assertEquals(255, t.pixel(1, 7, k, 8, 8), "tall: bottom row white");
        }
    }

    @Test
    void greyImagesKeepTheirStoredLevels() {
        BufferedImage grey = new BufferedImage(10, 6, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage deep = new BufferedImage(10, 6, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 10; x++) {
                grey.getRaster().setSample(x, y, 0, 77);
                deep.getRaster().setSample(x, y, 0, 77 << 8);
            }
        }
        for (BufferedImage image : new BufferedImage[] {grey, deep}) {
            byte[] file = encode(image, "png");
            assertEquals(1, ImageFolderFormat.channels(new ByteArrayInputStream(file), "g.png"));
            ImageRecord r = decode(file, 1, 5);
            byte[] expected = new byte[25];
            Arrays.fill(expected, (byte) 77);
            assertEquals(Arrays.toString(expected), Arrays.toString(r.pixels()));
        }
    }

    @Test
    void jpegAndAlphaDecodeAsColour() {
        ImageRecord jpeg = decode(encode(colour(24, 24, BufferedImage.TYPE_INT_RGB, 0x3C78B4), "jpg"), 3, 8);
        assertEquals(60, Byte.toUnsignedInt(jpeg.pixels()[0]), 3.0);
        assertEquals(120, Byte.toUnsignedInt(jpeg.pixels()[64]), 3.0);
        assertEquals(180, Byte.toUnsignedInt(jpeg.pixels()[128]), 3.0);
        byte[] alpha = encode(colour(9, 9, BufferedImage.TYPE_INT_ARGB, 0x80C86432), "png");
        assertEquals(3, ImageFolderFormat.channels(new ByteArrayInputStream(alpha), "a.png"), "alpha is not a channel");
        assertEquals(200, Byte.toUnsignedInt(decode(alpha, 3, 4).pixels()[0]));
    }

    @Test
    void theWrongChannelCountIsRefusedNamingTheFile() {
        byte[] grey = encode(new BufferedImage(5, 5, BufferedImage.TYPE_BYTE_GRAY), "png");
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> decode(grey, 3, 4));
        assertTrue(e.getMessage().startsWith("cat/x.png: has 1 colour channel but the dataset's images have 3"),
                e.getMessage());
        byte[] rgb = encode(colour(5, 5, BufferedImage.TYPE_INT_RGB, 0), "png");
        e = assertThrows(InvalidDataException.class, () -> decode(rgb, 1, 4));
        assertTrue(e.getMessage().contains("has 3 colour channels"), e.getMessage());
    }

    @Test
    void corruptAndForeignFilesAreRefused() {
        byte[] png = encode(colour(30, 30, BufferedImage.TYPE_INT_RGB, 0x123456), "png");
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> decode(Arrays.copyOf(png, 60), 3, 8));
        assertTrue(e.getMessage().startsWith("cat/x.png: not a readable image"), e.getMessage());
        e = assertThrows(InvalidDataException.class,
                () -> decode("just some text".getBytes(StandardCharsets.UTF_8), 3, 8));
        assertTrue(e.getMessage().startsWith("cat/x.png: not a PNG or JPEG image"), e.getMessage());
    }

    @Test
    void imageFileNames() {
        assertTrue(ImageFolderFormat.isImageFile("a/b/IMG_1.JPG"));
        assertTrue(ImageFolderFormat.isImageFile("x.jpeg"));
        assertTrue(ImageFolderFormat.isImageFile("x.png"));
        assertFalse(ImageFolderFormat.isImageFile("x.gif"));
        assertFalse(ImageFolderFormat.isImageFile(".png"));
        assertFalse(ImageFolderFormat.isImageFile("notes.txt"));
    }
}
