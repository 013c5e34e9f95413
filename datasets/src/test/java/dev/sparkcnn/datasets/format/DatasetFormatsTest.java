package dev.sparkcnn.datasets.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.datasets.SyntheticCifar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry and the locator on the local disk, without Spark or Hadoop. */
class DatasetFormatsTest {
    @TempDir
    Path tmp;

    @Test
    void theBuiltInFormatsAreRegisteredUnderTheirStableNamesInDetectionOrder() {
        assertEquals(List.of("cifar10", "cifar100", "idx", "images"), DatasetFormats.names());
        assertEquals("images", DatasetFormats.get("images").name());
        assertTrue(DatasetFormats.accepts("cifar100", FormatOption.LABEL_SET));
        assertTrue(DatasetFormats.accepts("images", FormatOption.IMAGE_SIZE));
        FormatOptionException e = assertThrows(FormatOptionException.class, () -> DatasetFormats.get("png"));
        assertEquals("--format 'png' is not a dataset format; use one of cifar10, cifar100, idx, images (or omit it "
                + "to detect the format)", e.getMessage());
    }

    @Test
    void aCifarDirectoryIsDetectedLocatedAndReadOnTheLocalDisk() throws Exception {
        SyntheticCifar.write(tmp.resolve(Path.of("cifar-10-batches-bin")), 2, 7, 3, 1);
        FormatLocator.Located found = FormatLocator.locate(LocalFileSystem.INSTANCE, tmp.toString(), null,
                FormatOptions.defaults());
        assertEquals("cifar10", found.format().name());
        assertEquals(2, found.layout().trainFiles().size());
        assertEquals(3, found.layout().testFiles().get(0).records());
        List<ImageRecord> records = new ArrayList<>();
        DataFile second = found.layout().trainFiles().get(1);
        found.format().read(LocalFileSystem.INSTANCE, found.layout().spec(), found.layout().options(), second, 2, 5,
                records::add);
        assertEquals(5, records.size());
    }

    @Test
    void optionsOfOtherFormatsAndUnrecognisedDirectoriesAreRefused() throws Exception {
        SyntheticCifar.write(tmp.resolve("c"), 1, 3, 1, 1);
        FormatOptionException e = assertThrows(FormatOptionException.class, () -> FormatLocator.locate(
                LocalFileSystem.INSTANCE, tmp.resolve("c").toString(), null, FormatOptions.defaults().withImageSize(8)));
        assertTrue(e.getMessage().startsWith("--image-size applies to image folders only, but "), e.getMessage());

        Files.writeString(Files.createDirectories(tmp.resolve("x")).resolve("notes.txt"), "hi");
        InvalidDataException bad = assertThrows(InvalidDataException.class, () -> FormatLocator.locate(
                LocalFileSystem.INSTANCE, tmp.resolve("x").toString(), null, FormatOptions.defaults()));
        assertTrue(bad.getMessage().contains("cannot tell the format from the files [notes.txt]; expected CIFAR-10 "
                + "binary files (data_batch_N.bin), CIFAR-100 binary files (train.bin), IDX files "
                + "(train-images-idx3-ubyte[.gz]) or class folders of images (<class>/*.png|jpg)"), bad.getMessage());
    }
}
