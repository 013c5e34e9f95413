package dev.sparkcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.Cifar100Format.LabelSet;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class Cifar100FormatTest {
    private static final int[][] LABELS = {{0, 0}, {19, 99}, {7, 42}, {3, 11}, {12, 64}};

    private static List<ImageRecord> read(byte[] file, long first, long count, LabelSet set, int classes) {
        List<ImageRecord> out = new ArrayList<>();
        Cifar100Format.read(new TrickleInputStream(file, 1000), "train.bin", first, count, set, classes, out::add);
        return out;
    }

    @Test
    void readsTheChosenLabelAndThePixelsByteExactly() {
        byte[] file = CorruptFixtures.cifar100(LABELS, 3);
        assertEquals(5, Cifar100Format.recordCount("train.bin", file.length));
        List<ImageRecord> fine = read(file, 0, 5, LabelSet.FINE, 100);
        List<ImageRecord> coarse = read(file, 0, 5, LabelSet.COARSE, 20);
        for (int r = 0; r < LABELS.length; r++) {
            assertEquals(LABELS[r][1], fine.get(r).label(), "fine label of record " + r);
            assertEquals(LABELS[r][0], coarse.get(r).label(), "coarse label of record " + r);
            int start = r * Cifar100Format.RECORD_BYTES;
            assertArrayEquals(Arrays.copyOfRange(file, start + 2, start + Cifar100Format.RECORD_BYTES),
                    fine.get(r).pixels(), "pixels of record " + r);
            assertArrayEquals(fine.get(r).pixels(), coarse.get(r).pixels());
        }
        assertEquals(fine.subList(2, 5), read(file, 2, 3, LabelSet.FINE, 100), "a slice equals part of a full read");
    }

    @Test
    void aFineLabelOutOfRangeNamesFileRecordAndOffset() {
        byte[] file = Fixtures.bytes("cifar100-bad-fine-label.bin");
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> read(file, 0, 3, LabelSet.FINE, 100));
        assertTrue(e.getMessage().startsWith("train.bin: record 2 (byte offset " + (2 * 3074 + 1)
                + ") has fine label 100, but there are 100 fine classes"), e.getMessage());
        // learning the coarse labels does not hide a corrupt fine byte
        e = assertThrows(InvalidDataException.class, () -> read(file, 0, 3, LabelSet.COARSE, 20));
        assertTrue(e.getMessage().contains("has fine label 100"), e.getMessage());
        assertEquals(2, read(file, 0, 2, LabelSet.FINE, 100).size(), "records before the bad one are fine");
    }

    @Test
    void aCoarseLabelOutOfRange() {
        byte[] file = Fixtures.bytes("cifar100-bad-coarse-label.bin");
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> read(file, 0, 2, LabelSet.COARSE, 20));
        assertTrue(e.getMessage().contains("record 1 (byte offset 3074) has coarse label 20, but there are 20 coarse"),
                e.getMessage());
    }

    @Test
    void truncatedFilesAreRefusedByLengthAndWhileReading() {
        byte[] file = Fixtures.bytes("cifar100-truncated.bin");
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> Cifar100Format.recordCount("train.bin", file.length));
        assertTrue(e.getMessage().contains("2 records + 9 extra bytes"), e.getMessage());
        assertThrows(InvalidDataException.class, () -> Cifar100Format.recordCount("test.bin", 0));
        // a CIFAR-10 file is not a whole number of CIFAR-100 records
        e = assertThrows(InvalidDataException.class, () -> Cifar100Format.recordCount("train.bin", 3073L * 2));
        assertTrue(e.getMessage().contains("CIFAR-10 records are 3073 bytes"), e.getMessage());

        byte[] cut = Arrays.copyOf(file, 3074 + 100);
        e = assertThrows(InvalidDataException.class, () -> read(cut, 0, 2, LabelSet.FINE, 100));
        assertTrue(e.getMessage().startsWith("train.bin: file ends inside record 1 (byte offset 3174)"), e.getMessage());
    }

    @Test
    void labelSetsAndNames() {
        assertEquals(LabelSet.COARSE, LabelSet.parse("coarse"));
        assertEquals(100, LabelSet.parse("fine").classes());
        assertEquals("fine_label_names.txt", LabelSet.FINE.metaFile());
        assertThrows(IllegalArgumentException.class, () -> LabelSet.parse("FINE"));
        List<String> names = Cifar100Format.readClassNames(new ByteArrayInputStream(
                "apple\naquarium_fish\n\nbaby\n".getBytes(StandardCharsets.UTF_8)), "fine_label_names.txt");
        assertEquals(List.of("apple", "aquarium_fish", "baby"), names);
        assertThrows(InvalidDataException.class, () -> Cifar100Format.readClassNames(
                new ByteArrayInputStream(new byte[0]), "fine_label_names.txt"));
    }
}
