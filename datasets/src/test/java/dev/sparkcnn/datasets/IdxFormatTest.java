package dev.sparkcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxFormatTest {
    private static final int N = 5;
    private static final byte[] LABELS = {3, 0, 9, 1, 9};
    private static final byte[] IMAGES = CorruptFixtures.idx(0x08, new int[] {N, 3, 4}, CorruptFixtures.seq(N * 12));
    private static final byte[] LABEL_FILE = CorruptFixtures.idx(0x08, new int[] {N}, LABELS);

    private static List<ImageRecord> read(byte[] images, byte[] labels, long first, long count) {
        List<ImageRecord> out = new ArrayList<>();
        IdxFormat.read(new TrickleInputStream(images, 7), "images", new TrickleInputStream(labels, 3), "labels",
                first, count, 10, out::add);
        return out;
    }

    private static InvalidDataException validateFixtures(String images, String labels) {
        return assertThrows(InvalidDataException.class, () -> IdxFormat.validatePair(
                Fixtures.stream(images), images, Fixtures.stream(labels), labels));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void roundTripRawAndGzip(boolean gzip) {
        Function<byte[], byte[]> encode = gzip ? CorruptFixtures::gzip : b -> b;
        byte[] images = encode.apply(IMAGES);
        byte[] labels = encode.apply(LABEL_FILE);

        IdxFormat.IdxSummary summary = IdxFormat.validatePair(
                new ByteArrayInputStream(images), "images", new ByteArrayInputStream(labels), "labels");
        List<ImageRecord> records = read(images, labels, 0, N);

        assertEquals(new IdxFormat.IdxSummary(N, 1, 3, 4, 9), summary);
        assertEquals(N, records.size());
        for (int i = 0; i < N; i++) {
            assertEquals(LABELS[i], records.get(i).label());
            int start = 4 + 3 * 4 + i * 12;
            assertArrayEquals(Arrays.copyOfRange(IMAGES, start, start + 12), records.get(i).pixels(), "image " + i);
        }
    }

    @Test
    void rankFourImagesHaveChannels() {
        byte[] images = CorruptFixtures.idx(0x08, new int[] {2, 3, 2, 2}, CorruptFixtures.seq(24));
        byte[] labels = CorruptFixtures.idx(0x08, new int[] {2}, new byte[] {1, 0});
        assertEquals(new IdxFormat.IdxSummary(2, 3, 2, 2, 1), IdxFormat.validatePair(
                new ByteArrayInputStream(images), "i", new ByteArrayInputStream(labels), "l"));
        assertEquals(12, read(images, labels, 1, 1).get(0).pixels().length);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void sliceReadsEqualThePartsOfAFullRead(boolean gzip) {
        Function<byte[], byte[]> encode = gzip ? CorruptFixtures::gzip : b -> b;
        byte[] images = encode.apply(IMAGES);
        byte[] labels = encode.apply(LABEL_FILE);
        List<ImageRecord> full = read(images, labels, 0, N);

        assertEquals(full.subList(2, 4), read(images, labels, 2, 2));
        assertEquals(full.subList(4, 5), read(images, labels, 4, 1));
        assertEquals(List.of(), read(images, labels, 5, 0));
    }

    @Test
    void openPeeksWithoutConsuming() throws IOException {
        byte[] raw = {0x1f, 0x00, 0x08, 0x01};
        try (InputStream in = IdxFormat.open(new ByteArrayInputStream(raw), "x")) {
            assertArrayEquals(raw, in.readAllBytes());
        }
        try (InputStream in = IdxFormat.open(new ByteArrayInputStream(CorruptFixtures.gzip(raw)), "x.gz")) {
            assertArrayEquals(raw, in.readAllBytes());
        }
    }

    @Test
    void readHeaderParsesDims() {
        IdxFormat.IdxHeader header = IdxFormat.readHeader(new ByteArrayInputStream(IMAGES), "images");
        assertEquals(new IdxFormat.IdxHeader(3, new int[] {N, 3, 4}, 16), header);
        assertEquals(N, header.count());
        assertEquals(12, header.itemBytes());
        assertEquals(1, IdxFormat.readHeader(new ByteArrayInputStream(LABEL_FILE), "labels").itemBytes());
    }

    @Test
    void badMagicIsRejected() {
        InvalidDataException e = validateFixtures("bad-magic-idx3-ubyte", "valid-labels-idx1-ubyte");
        assertTrue(e.getMessage().startsWith("bad-magic-idx3-ubyte: bad magic number 0x50 0x4B 0x03 0x04"), e.getMessage());
    }

    @Test
    void unsupportedElementTypeIsNamed() {
        InvalidDataException e = validateFixtures("float-type-idx3-ubyte", "valid-labels-idx1-ubyte");
        assertTrue(e.getMessage().startsWith("float-type-idx3-ubyte: unsupported IDX element type 0x0D (float)"),
                e.getMessage());
    }

    @Test
    void truncatedHeaderIsRejected() {
        InvalidDataException e = validateFixtures("truncated-header-idx3-ubyte", "valid-labels-idx1-ubyte");
        assertTrue(e.getMessage().startsWith("truncated-header-idx3-ubyte: truncated IDX header: file ends at byte"
                + " offset 10"), e.getMessage());
    }

    @Test
    void zeroDimensionIsRejected() {
        InvalidDataException e = validateFixtures("zero-dim-idx3-ubyte", "valid-labels-idx1-ubyte");
        assertTrue(e.getMessage().startsWith("zero-dim-idx3-ubyte: dimension 1 (byte offset 8) is 0"), e.getMessage());
    }

    @Test
    void labelsMustBeRankOne() {
        InvalidDataException e = validateFixtures("valid-images-idx3-ubyte", "rank2-labels-idx1-ubyte");
        assertTrue(e.getMessage().startsWith("rank2-labels-idx1-ubyte: label file has rank 2"), e.getMessage());
    }

    @Test
    void imagesMustBeRankThreeOrFour() {
        InvalidDataException e = validateFixtures("valid-labels-idx1-ubyte", "valid-labels-idx1-ubyte");
        assertTrue(e.getMessage().startsWith("valid-labels-idx1-ubyte: image file has rank 1"), e.getMessage());
    }

    @Test
    void countMismatchNamesBothFilesAndCounts() {
        InvalidDataException e = validateFixtures("valid-images-idx3-ubyte", "four-labels-idx1-ubyte");
        assertTrue(e.getMessage().startsWith("valid-images-idx3-ubyte declares 3 images but four-labels-idx1-ubyte"
                + " declares 4 labels"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"short-images-idx3-ubyte", "short-images-idx3-ubyte.gz"})
    void shortDataIsRejected(String images) {
        InvalidDataException e = validateFixtures(images, "valid-labels-idx1-ubyte");
        assertTrue(e.getMessage().startsWith(images + ": short data: expected 12 bytes after the header"),
                e.getMessage());
        assertTrue(e.getMessage().contains("found 10"), e.getMessage());
    }

    @Test
    void trailingBytesAreRejected() {
        InvalidDataException e = validateFixtures("trailing-images-idx3-ubyte", "valid-labels-idx1-ubyte");
        assertTrue(e.getMessage().startsWith("trailing-images-idx3-ubyte: 2 trailing bytes after the 12 data bytes"),
                e.getMessage());
    }

    @Test
    void validPairFixturePasses() {
        assertEquals(new IdxFormat.IdxSummary(3, 1, 2, 2, 9), IdxFormat.validatePair(
                Fixtures.stream("valid-images-idx3-ubyte"), "i", Fixtures.stream("valid-labels-idx1-ubyte"), "l"));
    }

    @Test
    void readRejectsLabelsBeyondTheClassCount() {
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxFormat.read(
                Fixtures.stream("valid-images-idx3-ubyte"), "images", Fixtures.stream("valid-labels-idx1-ubyte"),
                "valid-labels-idx1-ubyte", 0, 3, 5, r -> { }));
        assertTrue(e.getMessage().startsWith("valid-labels-idx1-ubyte: record 2 (byte offset 10) has label 9"),
                e.getMessage());
    }

    @Test
    void readReportsShortDataAtTheRecordItHits() {
        List<ImageRecord> firstTwo = new ArrayList<>();
        IdxFormat.read(Fixtures.stream("short-images-idx3-ubyte"), "short-images-idx3-ubyte",
                Fixtures.stream("valid-labels-idx1-ubyte"), "labels", 0, 2, 10, firstTwo::add);
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxFormat.read(
                Fixtures.stream("short-images-idx3-ubyte"), "short-images-idx3-ubyte",
                Fixtures.stream("valid-labels-idx1-ubyte"), "labels", 0, 3, 10, r -> { }));

        assertEquals(2, firstTwo.size());
        assertTrue(e.getMessage().startsWith("short-images-idx3-ubyte: short data: file ends inside record 2"),
                e.getMessage());
    }

    @Test
    void readRejectsASliceBeyondTheDeclaredCount() {
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> read(IMAGES, LABEL_FILE, 3, 3));
        assertTrue(e.getMessage().contains("records 3..5 requested, but the header declares only 5"), e.getMessage());
    }
}
