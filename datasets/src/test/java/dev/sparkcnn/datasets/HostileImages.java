package dev.sparkcnn.datasets;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Small real PNG and JPEG files, and copies whose headers declare other dimensions than their data holds. */
final class HostileImages {
    private HostileImages() {
    }

    /** A {@code width x height} image of seeded noise, encoded as {@code format} ("png" or "jpg"). */
    static byte[] encode(String format, int width, int height, int type, long seed) {
        BufferedImage image = new BufferedImage(width, height, type);
        Random rnd = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no " + format + " writer");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of a PNG whose IHDR (with a correct CRC) declares {@code width x height}. */
    static byte[] pngDeclaring(byte[] png, int width, int height) {
        byte[] out = png.clone();
        ByteBuffer b = ByteBuffer.wrap(out);
        // signature 8, length 4, "IHDR" 4, then width and height
        b.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(out, 12, 4 + 13);
        b.putInt(12 + 4 + 13, (int) crc.getValue());
        return out;
    }

    /** A copy of a baseline JPEG whose SOF0 segment declares {@code width x height} (each at most 65535). */
    static byte[] jpegDeclaring(byte[] jpeg, int width, int height) {
        byte[] out = jpeg.clone();
        for (int i = 2; i + 9 < out.length; i++) {
            if ((out[i] & 0xFF) == 0xFF && (out[i + 1] & 0xFF) == 0xC0) {
                ByteBuffer.wrap(out).putShort(i + 5, (short) height).putShort(i + 7, (short) width);
                return out;
            }
        }
        throw new IllegalArgumentException("no SOF0 marker");
    }
}
