package dev.sparkcnn.datasets;

import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;

/**
 * Image folders: {@code <dir>/<class>/*.png|jpg|jpeg}, one sub-directory per class (classes in
 * name order). Each file is decoded with {@code javax.imageio} where it is read (on the executors),
 * checked for the dataset's channel count (1 grey, 3 colour; alpha is dropped), and resized with
 * bilinear interpolation to the square input size, so cached records are uint8 CHW like every
 * other format's.
 */
public final class ImageFolderFormat {
    public static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg");

    private ImageFolderFormat() {
    }

    /** True for a name ending in .png, .jpg or .jpeg (any case). */
    public static boolean isImageFile(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1));
    }

    /**
     * The colour channels (1 or 3) of an image file.
     *
     * @throws InvalidDataException if it does not decode or has another channel count
     */
    public static int channels(InputStream in, String fileName) {
        return channels(in, fileName, BoundedImageReader.DEFAULT_MAX_PIXELS);
    }

    /**
     * The colour channels (1 or 3) of an image file declaring at most {@code maxPixels} pixels.
     *
     * @throws InvalidDataException if it is too large, does not decode or has another channel count
     */
    public static int channels(InputStream in, String fileName, long maxPixels) {
        int channels = read(in, fileName, maxPixels).getColorModel().getNumColorComponents();
        if (channels != 1 && channels != 3) {
            throw new InvalidDataException(fileName + ": has " + channels + " colour channels; only grey (1) and "
                    + "colour (3) images are supported — convert it");
        }
        return channels;
    }

    /**
     * Decodes an image and resizes it to {@code size} x {@code size}.
     *
     * @param channels the dataset's channel count; an image with another count is refused
     * @throws InvalidDataException if the file does not decode or has the wrong channel count
     */
    public static ImageRecord decode(InputStream in, String fileName, int label, int channels, int size) {
        return decode(in, fileName, label, channels, size, BoundedImageReader.DEFAULT_MAX_PIXELS);
    }

    /**
     * As {@link #decode(InputStream, String, int, int, int)}, refusing before decoding an image that
     * declares more than {@code maxPixels} pixels.
     */
    public static ImageRecord decode(InputStream in, String fileName, int label, int channels, int size,
                                     long maxPixels) {
        BufferedImage image = read(in, fileName, maxPixels);
        int found = image.getColorModel().getNumColorComponents();
        if (found != channels) {
            throw new InvalidDataException(fileName + ": has " + found + " colour channel" + (found == 1 ? "" : "s")
                    + " but the dataset's images have " + channels + " (decided by its first image); convert it or "
                    + "remove it, or pass --on-bad-record skip");
        }
        Raster planes = planes(image, channels);
        WritableRaster resized = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, size, size, channels, null);
        AffineTransform scale = AffineTransform.getScaleInstance((double) size / image.getWidth(),
                (double) size / image.getHeight());
        new AffineTransformOp(scale, AffineTransformOp.TYPE_BILINEAR).filter(planes, resized);
        byte[] pixels = new byte[channels * size * size];
        int[] band = new int[size * size];
        for (int c = 0; c < channels; c++) {
            resized.getSamples(0, 0, size, size, c, band);
            for (int i = 0; i < band.length; i++) {
                pixels[c * band.length + i] = (byte) band[i];
            }
        }
        return new ImageRecord(label, pixels);
    }

    private static BufferedImage read(InputStream in, String fileName, long maxPixels) {
        BufferedImage image;
        try {
            image = BoundedImageReader.read(in, fileName, maxPixels);
        } catch (InvalidDataException e) {
            throw new InvalidDataException(e.getMessage() + " — replace or remove it, or pass --on-bad-record skip",
                    e.getCause());
        }
        if (image == null) {
            throw new InvalidDataException(fileName + ": not a PNG or JPEG image (no decoder recognises it) — "
                    + "replace or remove it, or pass --on-bad-record skip");
        }
        return image;
    }

    /**
     * The image as an interleaved 8-bit raster in its own channel layout. Grey samples are read as stored
     * (BufferedImage.getRGB would apply a gamma conversion to them); colour goes through sRGB.
     */
    private static Raster planes(BufferedImage image, int channels) {
        int w = image.getWidth();
        int h = image.getHeight();
        WritableRaster out = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, channels, null);
        if (channels == 1) {
            Raster grey = image.getRaster();
            int shift = Math.max(0, grey.getSampleModel().getSampleSize(0) - 8);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                grey.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    row[x] >>= shift;
                }
                out.setSamples(0, y, w, 1, 0, row);
            }
        } else {
            int[] argb = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, argb, 0, w);
                for (int x = 0; x < w; x++) {
                    out.setSample(x, y, 0, (argb[x] >> 16) & 0xFF);
                    out.setSample(x, y, 1, (argb[x] >> 8) & 0xFF);
                    out.setSample(x, y, 2, argb[x] & 0xFF);
                }
            }
        }
        return out;
    }
}
