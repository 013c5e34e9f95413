package dev.sparkcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutated PNG and JPEG files through the image-folder reader (channel probe, then decode and
 * resize): each decodes to a record of the right size or fails with an {@link InvalidDataException}
 * naming the file. Run with a 256 MB heap and the default pixel limit.
 */
@Tag("fuzz")
@Timeout(600)
class ImageFuzzTest {
    private static final int SIZE = 8;

    @Test
    void png() {
        fuzz("png", 20, List.of(
                HostileImages.encode("png", 24, 16, BufferedImage.TYPE_INT_RGB, 1),
                HostileImages.encode("png", 9, 13, BufferedImage.TYPE_BYTE_GRAY, 2),
                HostileImages.encode("png", 16, 16, BufferedImage.TYPE_INT_ARGB, 3),
                HostileImages.encode("png", 12, 12, BufferedImage.TYPE_BYTE_INDEXED, 4)), "cat/x.png");
    }

    @Test
    void jpeg() {
        fuzz("jpeg", 21, List.of(
                HostileImages.encode("jpg", 24, 16, BufferedImage.TYPE_INT_RGB, 5),
                HostileImages.encode("jpg", 16, 8, BufferedImage.TYPE_BYTE_GRAY, 6)), "cat/x.jpg");
    }

    /** PNG: the IHDR width and height; its CRC is made right again for half the inputs. */
    private static byte[] mutatePng(byte[] seed, Random rnd) {
        byte[] b = Fuzzing.mutate(seed, rnd, 100, new Fuzzing.Field(16, 4), new Fuzzing.Field(20, 4));
        if (rnd.nextBoolean() && b.length >= 33) {
            CRC32 crc = new CRC32();
            crc.update(b, 12, 17);
            ByteBuffer.wrap(b).putInt(29, (int) crc.getValue());
        }
        return b;
    }

    /** JPEG: the frame's height and width in its SOF0 segment. */
    private static byte[] mutateJpeg(byte[] seed, Random rnd) {
        int sof = 2;
        while (!((seed[sof] & 0xFF) == 0xFF && (seed[sof + 1] & 0xFF) == 0xC0)) {
            sof++;
        }
        return Fuzzing.mutate(seed, rnd, 200, new Fuzzing.Field(sof + 5, 2), new Fuzzing.Field(sof + 7, 2));
    }

    private static void fuzz(String name, long seed, List<byte[]> seeds, String fileName) {
        Fuzzing.run(name, seed, Fuzzing.INPUTS, List.of(fileName), rnd -> {
            byte[] chosen = seeds.get(rnd.nextInt(seeds.size()));
            byte[] bytes = name.equals("png") ? mutatePng(chosen, rnd) : mutateJpeg(chosen, rnd);
            int channels = ImageFolderFormat.channels(new ByteArrayInputStream(bytes), fileName);
            ImageRecord r = ImageFolderFormat.decode(new ByteArrayInputStream(bytes), fileName, 1, channels, SIZE);
            assertEquals(channels * SIZE * SIZE, r.pixels().length);
        });
    }
}
