package dev.sparkcnn.driver.predict;

import dev.sparkcnn.datasets.BoundedImageReader;
import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.driver.config.ConfigException;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;

/**
 * Between image files and the CHW uint8 pixels models take, with javax.imageio: decoding a PNG or
 * JPEG to the model's input shape (bilinear resize, channel count checked rather than guessed),
 * and turning pixels back into pictures.
 */
public final class Pictures {
    private Pictures() {
    }

    /**
     * Decodes an image file to CHW uint8 pixels of the given shape.
     *
     * @param name used in messages
     * @throws ConfigException if the bytes are not an image ImageIO can decode, or the image's
     *                         colour channels differ from {@code channels}
     */
    public static byte[] decode(InputStream in, String name, int channels, int height, int width) {
        return decode(in, name, channels, height, width, BoundedImageReader.DEFAULT_MAX_PIXELS);
    }

    /**
     * As {@link #decode(InputStream, String, int, int, int)}, refusing before decoding an image whose
     * header declares more than {@code maxPixels} pixels.
     */
    public static byte[] decode(InputStream in, String name, int channels, int height, int width, long maxPixels) {
        BufferedImage image;
        try {
            image = BoundedImageReader.read(in, name, maxPixels);
        } catch (InvalidDataException e) {
            throw new ConfigException(e.getMessage());
        }
        if (image == null) {
            throw new ConfigException(name + ": not an image this build can decode; give a PNG or JPEG file");
        }
        int found = image.getColorModel().getNumColorComponents();
        if (found != channels) {
            throw new ConfigException(name + ": has " + describe(found) + " but the model takes " + describe(channels)
                    + " images; convert it (e.g. " + (channels == 1 ? "to grey-scale" : "to RGB") + ") first");
        }
        BufferedImage exact = channels == 1 ? grey(image) : rgb(image);
        if (exact.getWidth() != width || exact.getHeight() != height) {
            exact = resize(exact, width, height);
        }
        return pixels(exact.getRaster(), channels);
    }

    /** A picture of CHW uint8 pixels: grey-scale for one channel, RGB for three. */
    public static BufferedImage toImage(byte[] chw, int channels, int height, int width) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("only 1- and 3-channel images can be drawn, got " + channels);
        }
        BufferedImage image = new BufferedImage(width, height,
                channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        WritableRaster raster = image.getRaster();
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < channels; c++) {
                    raster.setSample(x, y, c, Byte.toUnsignedInt(chw[c * plane + y * width + x]));
                }
            }
        }
        return image;
    }

    /** The image encoded as PNG. */
    public static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer in this JVM");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails early, naming {@code option}, when {@code target}'s directory does not exist. */
    public static void checkWritable(Path target, String option) {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new ConfigException(option + " " + target + ": the directory " + dir + " does not exist");
        }
    }

    /** Writes a PNG to a temporary sibling, then renames it over {@code target}. */
    public static void writePng(BufferedImage image, Path target, String option) {
        checkWritable(target, option);
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        // a random name created exclusively: a link planted under a predictable name is never followed
        Path tmp = dir.resolve("." + absolute.getFileName() + ".tmp-" + java.util.UUID.randomUUID());
        try {
            Files.write(tmp, png(image), java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(option + " " + target + ": could not write: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the rename or the write already failed loudly
            }
        }
    }

    private static String describe(int channels) {
        return channels == 1 ? "1 colour channel (grey-scale)"
                : channels == 3 ? "3 colour channels (RGB)" : channels + " colour channels";
    }

    /** Any grey image as 8-bit grey, samples rescaled (16-bit PNGs) but not colour-converted. */
    private static BufferedImage grey(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            return image;
        }
        Raster src = image.getRaster();
        int bits = image.getColorModel().getComponentSize(0);
        double scale = 255.0 / ((1L << bits) - 1);
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster dst = out.getRaster();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                dst.setSample(x, y, 0, (int) Math.round(src.getSample(x, y, 0) * scale));
            }
        }
        return out;
    }

    private static BufferedImage rgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Bilinear resize; grey on the raster, so grey levels are not colour-managed on the way. */
    private static BufferedImage resize(BufferedImage image, int width, int height) {
        AffineTransform scale = AffineTransform.getScaleInstance((double) width / image.getWidth(),
                (double) height / image.getHeight());
        BufferedImage out = new BufferedImage(width, height, image.getType());
        AffineTransformOp op = new AffineTransformOp(scale, AffineTransformOp.TYPE_BILINEAR);
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            op.filter(image.getRaster(), out.getRaster());
        } else {
            op.filter(image, out);
        }
        return out;
    }

    private static byte[] pixels(Raster raster, int channels) {
        int h = raster.getHeight();
        int w = raster.getWidth();
        byte[] out = new byte[channels * h * w];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[(c * h + y) * w + x] = (byte) raster.getSample(x, y, c);
                }
            }
        }
        return out;
    }
}
