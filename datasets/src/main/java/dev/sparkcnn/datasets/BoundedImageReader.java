package dev.sparkcnn.datasets;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes an image with {@code javax.imageio} only after reading its width and height from the
 * header and refusing more than a pixel limit: a small file can declare an image whose decoded
 * raster would not fit in memory (a 1.2 MB PNG declaring 20000 x 20000 pixels decodes to 1.2 GB).
 */
public final class BoundedImageReader {
    /** 4096 x 4096 pixels: decoded as 32-bit colour that is 64 MiB, which a 1 GB executor survives. */
    public static final long DEFAULT_MAX_PIXELS = 4096L * 4096L;

    static {
        ImageIO.setUseCache(false); // decode in memory: no temporary files on executors
    }

    private BoundedImageReader() {
    }

    /**
     * The decoded image, or null when no decoder recognises the bytes (as {@link ImageIO#read}).
     *
     * @param maxPixels images declaring more than this many pixels (width x height) are refused
     *                  before decoding
     * @throws InvalidDataException naming the file if it is corrupt or declares more than
     *                              {@code maxPixels} pixels
     */
    public static BufferedImage read(InputStream in, String fileName, long maxPixels) {
        ImageReader reader = null;
        try (ImageInputStream stream = ImageIO.createImageInputStream(in)) {
            Iterator<ImageReader> readers = stream == null ? null : ImageIO.getImageReaders(stream);
            if (readers == null || !readers.hasNext()) {
                return null;
            }
            reader = readers.next();
            reader.setInput(stream, true, true);
            long width = reader.getWidth(0);
            long height = reader.getHeight(0);
            if (width < 1 || height < 1 || width * height > maxPixels) {
                throw new InvalidDataException(fileName + ": its header declares " + width + " x " + height + " = "
                        + width * height + " pixels, more than the limit of " + maxPixels + " (--max-image-pixels); "
                        + "it is corrupt or too large to decode safely — shrink it or raise the limit");
            }
            BufferedImage image = reader.read(0, reader.getDefaultReadParam());
            if (image == null) {
                throw new InvalidDataException(fileName + ": the decoder returned no image");
            }
            return image;
        } catch (InvalidDataException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // decoders report corrupt input as IIOException and, for some damage, as runtime exceptions
            throw new InvalidDataException(fileName + ": not a readable image (" + e + ")", e);
        } finally {
            if (reader != null) {
                reader.dispose();
            }
        }
    }
}
