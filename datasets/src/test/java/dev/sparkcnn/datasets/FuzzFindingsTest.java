package dev.sparkcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.format.DataFile;
import dev.sparkcnn.datasets.format.FormatLocator;
import dev.sparkcnn.datasets.format.FormatOptions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** What the fuzz tests found, each pinned by a plain test. */
class FuzzFindingsTest {

    /**
     * AffineTransformOp's native resize threw ImagingOpException on these valid shapes (escaping
     * --on-bad-record skip) and then hung the JVM's next garbage collection.
     */
    @Test
    void longThinImagesResize() throws Exception {
        for (int[] shape : new int[][] {{16, 32768}, {32768, 16}}) {
            BufferedImage grey = new BufferedImage(shape[0], shape[1], BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < shape[1]; y++) {
                for (int x = 0; x < shape[0]; x++) {
                    grey.getRaster().setSample(x, y, 0, 77);
                }
            }
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(grey, "png", png);
            ImageRecord r = ImageFolderFormat.decode(new ByteArrayInputStream(png.toByteArray()), "thin.png", 0, 1, 8);
            byte[] expected = new byte[64];
            Arrays.fill(expected, (byte) 77);
            assertEquals(Arrays.toString(expected), Arrays.toString(r.pixels()), Arrays.toString(shape));
        }
    }

    /**
     * An IDX file rewritten after it was listed with other dimensions of the same total size was read
     * into records of the wrong size (4 x 30-byte images read back as 20 x 6-byte ones).
     */
    @Test
    void anIdxFileWhoseShapeChangedSinceListingIsRefused() throws Exception {
        MemoryFileSystem fs = new MemoryFileSystem()
                .put("/d/train-images-idx3-ubyte", CorruptFixtures.idx(0x08, new int[] {4, 5, 6},
                        CorruptFixtures.seq(120)))
                .put("/d/train-labels-idx1-ubyte", CorruptFixtures.idx(0x08, new int[] {4}, new byte[] {0, 1, 2, 3}));
        FormatLocator.Located listed = FormatLocator.locate(fs, "/d", null, FormatOptions.defaults());
        fs.put("/d/train-images-idx3-ubyte", CorruptFixtures.idx(0x08, new int[] {4, 2, 3}, CorruptFixtures.seq(120)));
        DataFile file = listed.layout().trainFiles().get(0);
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> listed.format().read(fs,
                listed.layout().spec(), listed.layout().options(), file, 0, 4, r -> { }));
        assertTrue(e.getMessage().startsWith("/d/train-images-idx3-ubyte: the header declares 1x2x3 images, but the "
                + "dataset was listed with 1x5x6"), e.getMessage());
    }
}
