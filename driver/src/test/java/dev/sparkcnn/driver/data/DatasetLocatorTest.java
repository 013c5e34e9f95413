package dev.sparkcnn.driver.data;

import dev.sparkcnn.datasets.format.DataFile;
import dev.sparkcnn.driver.fs.HadoopConf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.driver.TestData;
import dev.sparkcnn.driver.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Preflight on the driver, no Spark: layouts, detection, ordering, clear refusals. */
class DatasetLocatorTest {
    @TempDir
    Path tmp;
    private final DatasetLocator locator = new DatasetLocator(new HadoopConf(new Configuration()));

    @Test
    void acceptsTheOfficialArchiveLayoutThroughItsParent() {
        TestData.cifar(tmp.resolve("cifar-10-batches-bin"), 2, 13, 5);
        LocatedDataset d = locator.locate(tmp.toString(), null);
        assertEquals("cifar10", d.format());
        assertEquals(26, d.trainRecords());
        assertEquals(5, d.testRecords());
    }

    @Test
    void ordersTrainingFilesNumerically() {
        TestData.cifar(tmp, 11, 1, 1);
        List<String> names = locator.locate(tmp.toString(), "cifar10").trainFiles().stream().map(DataFile::name)
                .toList();
        assertEquals("data_batch_1.bin", names.get(0));
        assertEquals("data_batch_2.bin", names.get(1));
        assertEquals("data_batch_11.bin", names.get(10));
    }

    @Test
    void anIdxDirectoryGivesShapeAndClassCount() throws IOException {
        byte[] images = new byte[16 + 3 * 4 * 5];
        images[2] = 8;
        images[3] = 3;
        images[7] = 3;
        images[11] = 4;
        images[15] = 5;
        Files.write(tmp.resolve("train-images-idx3-ubyte"), images);
        Files.write(tmp.resolve("train-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 3, 0, 6, 2});
        LocatedDataset d = locator.locate(tmp.toString(), null);
        assertEquals("idx", d.format());
        assertEquals(1, d.spec().channels());
        assertEquals(4, d.spec().height());
        assertEquals(5, d.spec().width());
        assertEquals(7, d.spec().numClasses(), "max label 6 => 7 classes");
        assertTrue(d.testFiles().isEmpty());
    }

    @Test
    void cifar100ThroughItsArchiveDirectoryWithEitherLabelSet() {
        TestData.cifar100(tmp.resolve("cifar-100-binary"), 30, 7);
        LocatedDataset fine = locator.locate(tmp.toString(), null);
        assertEquals("cifar100", fine.format());
        assertEquals("fine", fine.labelSet());
        assertEquals(100, fine.spec().numClasses());
        assertEquals("fine_3", fine.spec().classNames().get(3));
        assertEquals(30, fine.trainRecords());
        assertEquals(7, fine.testRecords());

        LocatedDataset coarse = locator.locate(tmp.toString(), "cifar100", "coarse");
        assertEquals("coarse", coarse.labelSet());
        assertEquals(20, coarse.spec().numClasses());
        assertEquals("super_19", coarse.spec().classNames().get(19));
    }

    @Test
    void cifar100RefusalsNameTheFileOrOption() throws IOException {
        Path dir = TestData.cifar100(tmp.resolve("c"), 3, 2);
        Files.write(dir.resolve("train.bin"), new byte[3074 * 3 - 1]);
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> locator.locate(dir.toString(), null));
        assertTrue(e.getMessage().contains("train.bin: length 9221 is not a whole number of 3074-byte CIFAR-100"),
                e.getMessage());

        TestData.cifar(tmp.resolve("ten"), 1, 3, 2);
        ConfigException c = assertThrows(ConfigException.class,
                () -> locator.locate(tmp.resolve("ten").toString(), null, "coarse"));
        assertTrue(c.getMessage().startsWith("--label-set applies to CIFAR-100 only"), c.getMessage());
    }

    @Test
    void imageFoldersAreDetectedInClassOrderAndInterleaved() throws IOException {
        TestData.images(tmp, List.of("dog", "cat", "bird"), 2, 12, 9);
        Files.writeString(tmp.resolve("cat").resolve("notes.txt"), "not an image: ignored");
        LocatedDataset d = locator.locate(tmp.toString(), null, null, 16);
        assertEquals("images", d.format());
        assertEquals(List.of("bird", "cat", "dog"), d.spec().classNames());
        assertEquals(3, d.spec().channels());
        assertEquals(16, d.spec().height());
        assertEquals(16, d.spec().width());
        assertEquals(6, d.trainRecords());
        assertEquals(List.of("bird/000.png", "cat/000.png", "dog/000.png", "bird/001.png", "cat/001.png",
                "dog/001.png"), d.trainFiles().stream().map(f -> Path.of(java.net.URI.create(f.path())))
                .map(p -> p.getParent().getFileName() + "/" + p.getFileName()).toList());
        assertEquals(32, locator.locate(tmp.toString(), "images").spec().height(), "default size");
    }

    @Test
    void anEmptyClassFolderOrASizeForOtherFormatsIsRefused() throws IOException {
        TestData.images(tmp.resolve("imgs"), List.of("a", "b"), 1, 4, 4);
        Files.createDirectories(tmp.resolve("imgs/c"));
        Files.writeString(tmp.resolve("imgs/c/readme.txt"), "x");
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> locator.locate(tmp.resolve("imgs").toString(), "images"));
        assertTrue(e.getMessage().contains("class folder " + "file:" + tmp.resolve("imgs/c") + " has no .png"),
                e.getMessage());

        TestData.cifar(tmp.resolve("ten"), 1, 3, 2);
        ConfigException c = assertThrows(ConfigException.class,
                () -> locator.locate(tmp.resolve("ten").toString(), null, null, 64));
        assertTrue(c.getMessage().startsWith("--image-size applies to image folders only"), c.getMessage());
    }

    @Test
    void aFileIsNotADataDirectory() throws IOException {
        Path f = Files.writeString(tmp.resolve("x.bin"), "x");
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> locator.locate(f.toString(), null));
        assertTrue(e.getMessage().contains("is a file"), e.getMessage());
    }
}
