package dev.sparkcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CifarFormatTest {

    private static int[] labels(int n) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (i * 7) % 10;
        }
        return labels;
    }

    private static List<ImageRecord> readAll(byte[] file, long first, long count) {
        List<ImageRecord> out = new ArrayList<>();
        CifarFormat.read(new TrickleInputStream(file, 1000), "data_batch_1.bin", first, count, 10, out::add);
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 123})
    void readsAnyWholeNumberOfRecordsByteExactly(int n) {
        int[] labels = labels(n);
        byte[] file = CorruptFixtures.cifar(labels, n);

        long count = CifarFormat.recordCount("data_batch_1.bin", file.length);
        List<ImageRecord> records = readAll(file, 0, count);

        assertEquals(n, count);
        assertEquals(n, records.size());
        for (int r = 0; r < n; r++) {
            int start = r * CifarFormat.RECORD_BYTES;
            assertEquals(labels[r], records.get(r).label(), "label of record " + r);
            assertArrayEquals(Arrays.copyOfRange(file, start + 1, start + CifarFormat.RECORD_BYTES),
                    records.get(r).pixels(), "pixels of record " + r);
        }
    }

    @Test
    void sliceReadsEqualThePartsOfAFullRead() {
        byte[] file = CorruptFixtures.cifar(labels(123), 5);
        List<ImageRecord> full = readAll(file, 0, 123);

        assertEquals(full.subList(0, 10), readAll(file, 0, 10));
        assertEquals(full.subList(50, 63), readAll(file, 50, 13));
        assertEquals(full.subList(64, 123), readAll(file, 64, 59)); // crosses a chunk boundary
        assertEquals(full.subList(120, 123), readAll(file, 120, 3));
        assertEquals(List.of(), readAll(file, 123, 0));
    }

    @Test
    void recordsOwnTheirPixels() {
        byte[] file = CorruptFixtures.cifar(labels(3), 1);
        List<ImageRecord> records = readAll(file, 0, 3);
        assertFalse(records.get(0).pixels() == records.get(1).pixels());
        assertEquals(CifarFormat.IMAGE_BYTES, records.get(2).pixels().length);
    }

    @Test
    void truncatedFileLengthIsRejectedWithFileNameAndRecordSize() {
        long length = Fixtures.bytes("cifar-truncated.bin").length;
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> CifarFormat.recordCount("cifar-truncated.bin", length));
        assertTrue(e.getMessage().startsWith("cifar-truncated.bin: length 6151"), e.getMessage());
        assertTrue(e.getMessage().contains("3073"), e.getMessage());
        assertTrue(e.getMessage().contains("2 records + 5 extra bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("re-download"), e.getMessage());
    }

    @Test
    void readingPastTheEndOfATruncatedFileNamesTheRecord() {
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> CifarFormat.read(
                Fixtures.stream("cifar-truncated.bin"), "cifar-truncated.bin", 0, 3, 10, r -> { }));
        assertTrue(e.getMessage().contains("cifar-truncated.bin: file ends inside record 2"), e.getMessage());
        assertTrue(e.getMessage().contains("byte offset 6151"), e.getMessage());
    }

    @Test
    void skippingPastTheEndIsAnError() {
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> CifarFormat.read(
                Fixtures.stream("cifar-truncated.bin"), "cifar-truncated.bin", 5, 1, 10, r -> { }));
        assertTrue(e.getMessage().contains("cannot skip to record 5 (byte offset 15365)"), e.getMessage());
    }

    @Test
    void labelOutOfRangeNamesFileRecordOffsetAndLabel() {
        List<ImageRecord> before = new ArrayList<>();
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> CifarFormat.read(
                Fixtures.stream("cifar-bad-label.bin"), "cifar-bad-label.bin", 0, 3, 10, before::add));
        assertTrue(e.getMessage().startsWith("cifar-bad-label.bin: record 2 (byte offset 6146) has label 10"),
                e.getMessage());
        assertTrue(e.getMessage().contains("10 classes"), e.getMessage());
        assertEquals(2, before.size(), "records before the bad one were delivered");
    }

    @Test
    void theSameLabelIsFineWithMoreClasses() {
        List<ImageRecord> records = new ArrayList<>();
        CifarFormat.read(Fixtures.stream("cifar-bad-label.bin"), "cifar-bad-label.bin", 0, 3, 11, records::add);
        assertEquals(List.of(3, 9, 10), records.stream().map(ImageRecord::label).toList());
    }

    @Test
    void emptyFileIsAnError() {
        long length = Fixtures.bytes("cifar-empty.bin").length;
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> CifarFormat.recordCount("cifar-empty.bin", length));
        assertTrue(e.getMessage().startsWith("cifar-empty.bin: file is empty"), e.getMessage());
    }

    @Test
    void classNamesAreTrimmedNonBlankLines() {
        assertEquals(List.of("airplane", "automobile", "bird"),
                CifarFormat.readClassNames(Fixtures.stream("cifar-meta.txt"), "cifar-meta.txt"));
    }

    @Test
    void oneClassNameIsTooFew() {
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> CifarFormat.readClassNames(
                Fixtures.stream("cifar-meta-one-class.txt"), "cifar-meta-one-class.txt"));
        assertTrue(e.getMessage().startsWith("cifar-meta-one-class.txt: found 1 class name(s)"), e.getMessage());
    }

    @Test
    void recognisesTrainAndTestFileNames() {
        assertTrue(CifarFormat.isTrainFile("data_batch_1.bin"));
        assertTrue(CifarFormat.isTrainFile("data_batch_12.bin"));
        assertTrue(CifarFormat.isTrainFile("hdfs://nn/cifar-10-batches-bin/data_batch_3.bin"));
        assertFalse(CifarFormat.isTrainFile("data_batch_.bin"));
        assertFalse(CifarFormat.isTrainFile("data_batch_1.bin.tmp"));
        assertFalse(CifarFormat.isTrainFile("test_batch.bin"));
        assertTrue(CifarFormat.isTestFile("test_batch.bin"));
        assertTrue(CifarFormat.isTestFile("/data/test_batch.bin"));
        assertFalse(CifarFormat.isTestFile("data_batch_1.bin"));
    }

    @Test
    void specIsThreeByThirtyTwoByThirtyTwo() {
        DatasetSpec spec = CifarFormat.spec(CifarFormat.CIFAR10_CLASSES);
        assertEquals(CifarFormat.IMAGE_BYTES, spec.imageBytes());
        assertEquals(3, spec.channels());
        assertEquals(10, spec.numClasses());
        assertEquals("truck", spec.classNames().get(9));
    }

    @Test
    void rejectsNegativeRanges() {
        assertThrows(IllegalArgumentException.class, () -> CifarFormat.read(
                new ByteArrayInputStream(new byte[0]), "x.bin", -1, 1, 10, r -> { }));
    }
}
