package dev.sparkcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class IdxLocateTest {

    @Test
    void findsRawFiles() {
        IdxFormat.IdxFiles files = IdxFormat.locate(List.of("README", "t10k-labels-idx1-ubyte",
                "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "train-images-idx3-ubyte"), "/data/mnist");
        assertEquals(new IdxFormat.IdxFiles("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"), files);
        assertTrue(files.hasTest());
    }

    @Test
    void findsGzipFilesAndKeepsPaths() {
        IdxFormat.IdxFiles files = IdxFormat.locate(List.of("hdfs://nn/f/train-images-idx3-ubyte.gz",
                "hdfs://nn/f/train-labels-idx1-ubyte.gz"), "hdfs://nn/f");
        assertEquals("hdfs://nn/f/train-images-idx3-ubyte.gz", files.trainImages());
        assertEquals("hdfs://nn/f/train-labels-idx1-ubyte.gz", files.trainLabels());
        assertEquals(null, files.testImages());
        assertFalse(files.hasTest());
    }

    @Test
    void findsTheDottedVariant() {
        IdxFormat.IdxFiles files = IdxFormat.locate(List.of("train-images.idx3-ubyte", "train-labels.idx1-ubyte",
                "t10k-images.idx3-ubyte.gz", "t10k-labels.idx1-ubyte"), "kaggle");
        assertEquals(new IdxFormat.IdxFiles("train-images.idx3-ubyte", "train-labels.idx1-ubyte",
                "t10k-images.idx3-ubyte.gz", "t10k-labels.idx1-ubyte"), files);
    }

    @Test
    void prefersTheUncompressedFile() {
        IdxFormat.IdxFiles files = IdxFormat.locate(List.of("train-images-idx3-ubyte.gz", "train-images-idx3-ubyte",
                "train-labels-idx1-ubyte.gz"), "d");
        assertEquals("train-images-idx3-ubyte", files.trainImages());
        assertEquals("train-labels-idx1-ubyte.gz", files.trainLabels());
    }

    @Test
    void missingTrainingFilesNameWhereExpectedAndFound() {
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxFormat.locate(
                List.of("train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte", "notes.txt"), "/data/fashion"));
        String m = e.getMessage();
        assertTrue(m.startsWith("/data/fashion: no MNIST-style training pair"), m);
        assertTrue(m.contains("expected train-images-idx3-ubyte and train-labels-idx1-ubyte"), m);
        assertTrue(m.contains("found [train-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte, notes.txt]"), m);
    }

    @Test
    void emptyListingSaysNoFiles() {
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxFormat.locate(List.of(), "/empty"));
        assertTrue(e.getMessage().contains("found no files"), e.getMessage());
    }

    @Test
    void halfATestPairIsAnError() {
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxFormat.locate(List.of(
                "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte"), "d"));
        assertTrue(e.getMessage().startsWith("d: only half of the test pair: found t10k-images-idx3-ubyte but no"
                + " t10k-labels-idx1-ubyte"), e.getMessage());
    }

    @Test
    void similarNamesDoNotMatch() {
        assertThrows(InvalidDataException.class, () -> IdxFormat.locate(List.of(
                "train-images-idx3-ubyte.tmp", "train-labels-idx1-ubyte.gz.part", "xtrain-images-idx3-ubyte"), "d"));
    }

    @Test
    void fashionMnistHasTenClasses() {
        assertEquals(10, IdxFormat.FASHION_MNIST_CLASSES.size());
        assertEquals("Ankle boot", IdxFormat.FASHION_MNIST_CLASSES.get(9));
    }
}
