package dev.sparkcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.format.DataFile;
import dev.sparkcnn.datasets.format.DatasetFormats;
import dev.sparkcnn.datasets.format.FormatLocator;
import dev.sparkcnn.datasets.format.FormatOptions;
import dev.sparkcnn.datasets.format.LocalFileSystem;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sizes read from dataset files are bounded before anything is allocated, with an error naming the
 * file and the field (issue 16, "Files").
 */
class HostileSizesTest {
    @TempDir
    Path tmp;

    private static InvalidDataException classNames(String text) {
        return assertThrows(InvalidDataException.class, () -> CifarFormat.readClassNames(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "batches.meta.txt"));
    }

    @Test
    void cifarClassNameCountsAndLengthsAreBounded() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            many.append("class").append(i).append('\n');
        }
        InvalidDataException e = classNames(many.toString());
        assertTrue(e.getMessage().startsWith("batches.meta.txt: class-name count is more than 256"), e.getMessage());

        e = classNames("cat\n" + "d".repeat(500) + "\n");
        assertTrue(e.getMessage().startsWith("batches.meta.txt: the class name on line 2 is 500 characters long"),
                e.getMessage());

        e = classNames("a\n".repeat(1 << 20));
        assertTrue(e.getMessage().startsWith("batches.meta.txt: file length is more than 65536 bytes"),
                e.getMessage());
        assertTrue(e.getMessage().length() < 400, "a short message, not the file: " + e.getMessage().length());
    }

    @Test
    void cifar100LabelNamesAreBoundedToo() {
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> Cifar100Format.readClassNames(
                new ByteArrayInputStream(("x\n" + "y".repeat(101)).getBytes(StandardCharsets.UTF_8)),
                "fine_label_names.txt"));
        assertTrue(e.getMessage().startsWith("fine_label_names.txt: the class name on line 2 is 101 characters"),
                e.getMessage());
    }

    @Test
    void idxDimensionsWhoseProductOverflowsAreRefused() {
        // 2^21 * 2^21 * 2^22 = 2^64: the product wrapped to 0 and the header passed
        byte[] images = CorruptFixtures.idx(0x08, new int[] {1, 1 << 21, 1 << 21, 1 << 22}, new byte[0]);
        byte[] labels = CorruptFixtures.idx(0x08, new int[] {1}, new byte[] {0});
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxFormat.validatePair(
                new ByteArrayInputStream(images), "images", new ByteArrayInputStream(labels), "labels"));
        assertTrue(e.getMessage().startsWith("images: one item of dims [1, 2097152, 2097152, 4194304] would be more "
                + "than 2147483647 bytes"), e.getMessage());
    }

    @Test
    void idxDimensionsBeyondTheFileLengthAreRefusedBeforeReading() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mnist"));
        Files.write(dir.resolve("train-images-idx3-ubyte"), CorruptFixtures.idx(0x08, new int[] {2, 2, 2},
                CorruptFixtures.seq(8)));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), CorruptFixtures.idx(0x08, new int[] {2}, new byte[] {0, 1}));
        FormatLocator.Located found = FormatLocator.locate(LocalFileSystem.INSTANCE, dir.toString(), null,
                FormatOptions.defaults());
        DataFile file = found.layout().trainFiles().get(0);
        // the file changes after it was located: its header now declares 2 items of 46000 x 46000 bytes
        Files.write(dir.resolve("train-images-idx3-ubyte"), CorruptFixtures.idx(0x08, new int[] {2, 46000, 46000},
                CorruptFixtures.seq(8)));
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> found.format().read(
                LocalFileSystem.INSTANCE, found.layout().spec(), found.layout().options(), file, 0, 1, r -> { }));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte: the header's dimensions [2, 46000, 46000] "
                + "declare 4232000000 data bytes, but the file is 24 bytes long"), e.getMessage());

        Files.write(dir.resolve("train-images-idx3-ubyte"), CorruptFixtures.gzip(CorruptFixtures.idx(0x08,
                new int[] {2, 46000, 46000}, CorruptFixtures.seq(8))));
        e = assertThrows(InvalidDataException.class, () -> found.format().read(LocalFileSystem.INSTANCE,
                found.layout().spec(), found.layout().options(), file, 0, 1, r -> { }));
        assertTrue(e.getMessage().contains("declare 4232000000 data bytes, but the compressed file is"),
                e.getMessage());
    }

    @Test
    void anImageDeclaringTooManyPixelsIsRefusedBeforeDecoding() {
        byte[] small = HostileImages.encode("png", 4, 4, BufferedImage.TYPE_INT_RGB, 1);
        byte[] huge = HostileImages.pngDeclaring(small, 20000, 20000);
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> ImageFolderFormat.decode(
                new ByteArrayInputStream(huge), "cat/huge.png", 0, 3, 32));
        assertTrue(e.getMessage().startsWith("cat/huge.png: its header declares 20000 x 20000 = 400000000 pixels, "
                + "more than the limit of 16777216 (--max-image-pixels)"), e.getMessage());

        byte[] jpeg = HostileImages.jpegDeclaring(HostileImages.encode("jpg", 8, 8, BufferedImage.TYPE_INT_RGB, 2),
                65000, 65000);
        e = assertThrows(InvalidDataException.class, () -> ImageFolderFormat.channels(
                new ByteArrayInputStream(jpeg), "cat/huge.jpg"));
        assertTrue(e.getMessage().contains("65000 x 65000 = 4225000000 pixels"), e.getMessage());

        byte[] ok = HostileImages.pngDeclaring(small, 4, 4);
        assertEquals(3, ImageFolderFormat.decode(new ByteArrayInputStream(ok), "ok.png", 0, 3, 2).pixels().length
                / 4);
        e = assertThrows(InvalidDataException.class, () -> ImageFolderFormat.decode(new ByteArrayInputStream(ok),
                "ok.png", 0, 3, 2, 15));
        assertTrue(e.getMessage().contains("more than the limit of 15"), e.getMessage());
    }

    @Test
    void anOversizedImageInAFolderIsSkippedWithOnBadRecordSkip() throws Exception {
        for (String c : List.of("a", "b")) {
            Path folder = Files.createDirectories(tmp.resolve("imgs").resolve(c));
            for (int i = 0; i < 3; i++) {
                Files.write(folder.resolve(i + ".png"), HostileImages.encode("png", 5, 5,
                        BufferedImage.TYPE_INT_RGB, i));
            }
        }
        Files.write(tmp.resolve("imgs/a/0.png"), HostileImages.pngDeclaring(
                HostileImages.encode("png", 5, 5, BufferedImage.TYPE_INT_RGB, 9), 30000, 30000));
        FormatLocator.Located found = FormatLocator.locate(LocalFileSystem.INSTANCE, tmp.resolve("imgs").toString(),
                DatasetFormats.get("images"), FormatOptions.defaults());
        List<ImageRecord> read = new ArrayList<>();
        List<InvalidDataException> skipped = new ArrayList<>();
        for (DataFile f : found.layout().trainFiles()) {
            found.format().read(LocalFileSystem.INSTANCE, found.layout().spec(), found.layout().options(), f, 0, 1,
                    new dev.sparkcnn.datasets.format.RecordSink() {
                        @Override
                        public void accept(ImageRecord r) {
                            read.add(r);
                        }

                        @Override
                        public void badRecord(InvalidDataException e) {
                            skipped.add(e);
                        }
                    });
        }
        assertEquals(5, read.size());
        assertEquals(1, skipped.size());
        assertTrue(skipped.get(0).getMessage().contains("0.png: its header declares 30000 x 30000"),
                skipped.get(0).getMessage());
    }
}
