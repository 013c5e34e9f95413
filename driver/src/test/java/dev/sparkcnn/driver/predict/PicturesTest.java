package dev.sparkcnn.driver.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.SyntheticCifar;
import dev.sparkcnn.driver.config.ConfigException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image files to model pixels and back. */
class PicturesTest {
    private final byte[] rgb = SyntheticCifar.generate(3, new Random(5)).pixels();

    @Test
    void aPngOfRecordPixelsDecodesToTheSamePixels() {
        byte[] png = Pictures.png(Pictures.toImage(rgb, 3, 32, 32));
        assertArrayEquals(rgb, Pictures.decode(new ByteArrayInputStream(png), "x.png", 3, 32, 32));

        byte[] grey = new byte[28 * 28];
        new Random(3).nextBytes(grey);
        byte[] greyPng = Pictures.png(Pictures.toImage(grey, 1, 28, 28));
        assertArrayEquals(grey, Pictures.decode(new ByteArrayInputStream(greyPng), "g.png", 1, 28, 28));
    }

    @Test
    void largerImagesAndJpegsAreResizedToTheModelsInput() throws Exception {
        BufferedImage small = Pictures.toImage(rgb, 3, 32, 32);
        BufferedImage big = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
        big.createGraphics().drawImage(small, 0, 0, 96, 96, null);
        byte[] back = Pictures.decode(new ByteArrayInputStream(Pictures.png(big)), "big.png", 3, 32, 32);
        assertEquals(rgb.length, back.length);
        assertTrue(meanAbsoluteDifference(rgb, back) < 12, "close to the original: "
                + meanAbsoluteDifference(rgb, back));

        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(big, "jpeg", jpeg));
        byte[] fromJpeg = Pictures.decode(new ByteArrayInputStream(jpeg.toByteArray()), "big.jpg", 3, 32, 32);
        assertTrue(meanAbsoluteDifference(rgb, fromJpeg) < 20, "JPEG close to the original: "
                + meanAbsoluteDifference(rgb, fromJpeg));
    }

    @Test
    void wrongChannelsAndNonImagesAreClearErrors() {
        byte[] greyPng = Pictures.png(Pictures.toImage(new byte[32 * 32], 1, 32, 32));
        String m = assertThrows(ConfigException.class,
                () -> Pictures.decode(new ByteArrayInputStream(greyPng), "g.png", 3, 32, 32)).getMessage();
        assertTrue(m.startsWith("g.png: has 1 colour channel (grey-scale) but the model takes 3 colour channels "
                + "(RGB)"), m);
        byte[] rgbPng = Pictures.png(Pictures.toImage(rgb, 3, 32, 32));
        m = assertThrows(ConfigException.class,
                () -> Pictures.decode(new ByteArrayInputStream(rgbPng), "c.png", 1, 28, 28)).getMessage();
        assertTrue(m.contains("c.png: has 3 colour channels (RGB) but the model takes 1 colour channel"), m);
        m = assertThrows(ConfigException.class, () -> Pictures.decode(new ByteArrayInputStream(
                "not a picture".getBytes()), "n.png", 3, 32, 32)).getMessage();
        assertTrue(m.startsWith("n.png: not an image"), m);
    }

    /** A 4 KB PNG whose header declares 20000 x 20000 pixels (1.6 GB decoded) is refused before decoding. */
    @Test
    void anImageDeclaringTooManyPixelsIsRefusedBeforeDecoding() {
        byte[] png = Pictures.png(Pictures.toImage(rgb, 3, 32, 32));
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(png);
        b.putInt(16, 20000).putInt(20, 20000); // IHDR width and height, then its CRC
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(png, 12, 17);
        b.putInt(29, (int) crc.getValue());
        String m = assertThrows(ConfigException.class,
                () -> Pictures.decode(new ByteArrayInputStream(png), "huge.png", 3, 32, 32)).getMessage();
        assertTrue(m.startsWith("huge.png: its header declares 20000 x 20000 = 400000000 pixels, more than the limit "
                + "of 16777216 (--max-image-pixels)"), m);
        m = assertThrows(ConfigException.class, () -> Pictures.decode(new ByteArrayInputStream(
                Pictures.png(Pictures.toImage(rgb, 3, 32, 32))), "x.png", 3, 32, 32, 1000)).getMessage();
        assertTrue(m.contains("32 x 32 = 1024 pixels, more than the limit of 1000"), m);
    }

    @Test
    void aPictureIsWrittenWholeOrNotAtAll(@TempDir Path tmp) throws Exception {
        Prediction p = new Prediction(new float[] {0.1f, 0.7f, 0.2f}, 2);
        BufferedImage picture = PredictionPicture.render(Pictures.toImage(rgb, 3, 32, 32), 128, p,
                List.of("a", "b", "c"));
        Path out = tmp.resolve("p.png");
        Pictures.writePng(picture, out, "--show");
        Pictures.writePng(picture, out, "--show");
        assertEquals(List.of(out), Files.list(tmp).toList(), "no temporary file left");
        assertEquals(128 + 2 * PredictionPicture.FRAME, ImageIO.read(out.toFile()).getWidth());
        assertEquals(PredictionPicture.WRONG.getRGB(), picture.getRGB(1, 1), "a wrong answer is framed red");
        String m = assertThrows(ConfigException.class, () -> Pictures.writePng(picture, tmp.resolve("no/p.png"),
                "--show")).getMessage();
        assertTrue(m.startsWith("--show " + tmp.resolve("no/p.png") + ": the directory"), m);
    }

    @Test
    void topClassesAreOrderedWithTiesToTheLowerIndex() {
        Prediction p = new Prediction(new float[] {0.2f, 0.4f, 0.2f, 0.2f}, -1);
        assertEquals(List.of(new Prediction.Ranked(1, 0.4f), new Prediction.Ranked(0, 0.2f),
                new Prediction.Ranked(2, 0.2f)), p.top(3));
        assertEquals(1, p.predicted());
        assertTrue(!p.misclassified() && !p.knowsTruth());
    }

    private static double meanAbsoluteDifference(byte[] a, byte[] b) {
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(Byte.toUnsignedInt(a[i]) - Byte.toUnsignedInt(b[i]));
        }
        return (double) sum / a.length;
    }
}
