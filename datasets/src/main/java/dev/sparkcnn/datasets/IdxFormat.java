package dev.sparkcnn.datasets;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * The IDX format of MNIST and Fashion-MNIST, raw or gzip-compressed. A file is a 4-byte magic
 * {@code 0x00 0x00 <type> <rank>}, {@code rank} big-endian 32-bit dimensions, then the data. Only
 * element type {@code 0x08} (unsigned byte) is supported. Images are {@code [n, h, w]} (one
 * channel) or {@code [n, c, h, w]}; labels are {@code [n]}.
 *
 * <p>Validation is byte-exact: magic, type, rank, positive dimensions, equal image and label
 * counts, and exactly the declared amount of data — neither less nor more. Methods never close
 * the streams they are given. Malformed data raises {@link InvalidDataException}; I/O failures
 * raise {@link UncheckedIOException}.
 */
public final class IdxFormat {
    public static final List<String> FASHION_MNIST_CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    static final int TYPE_UNSIGNED_BYTE = 0x08;
    private static final int BUFFER_BYTES = 64 * 1024;

    /**
     * A raw IDX file: its stream at the first byte (gzip or not), its name for messages and its
     * length on disk, or -1 when unknown. With a known length the sizes the header declares are
     * checked against it before anything is allocated.
     */
    public record Source(InputStream in, String name, long length) {
    }

    private IdxFormat() {
    }

    /**
     * An IDX header.
     *
     * @param rank        number of dimensions, 1..4
     * @param dims        the dimensions, each {@code > 0}; {@code dims[0]} is the item count
     * @param headerBytes bytes before the data: {@code 4 + 4 * rank}
     */
    public record IdxHeader(int rank, int[] dims, int headerBytes) {
        public IdxHeader {
            if (dims == null || dims.length != rank) {
                throw new IllegalArgumentException("rank " + rank + " needs " + rank + " dims, got " + Arrays.toString(dims));
            }
            dims = dims.clone();
        }

        /** Number of items (images or labels): {@code dims[0]}. */
        public long count() {
            return dims[0];
        }

        /** Bytes per item: the product of {@code dims[1..]}, 1 for a rank-1 file. */
        public long itemBytes() {
            long bytes = 1;
            for (int i = 1; i < rank; i++) {
                bytes *= dims[i];
            }
            return bytes;
        }

        @Override
        public int[] dims() {
            return dims.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof IdxHeader h && h.rank == rank && h.headerBytes == headerBytes && Arrays.equals(h.dims, dims);
        }

        @Override
        public int hashCode() {
            return 31 * rank + Arrays.hashCode(dims);
        }

        @Override
        public String toString() {
            return "IdxHeader[rank=" + rank + ", dims=" + Arrays.toString(dims) + ", headerBytes=" + headerBytes + "]";
        }
    }

    /**
     * What a validated image/label pair holds.
     *
     * @param maxLabel the largest label in the labels file (a dataset needs {@code maxLabel + 1} classes)
     */
    public record IdxSummary(long count, int channels, int height, int width, int maxLabel) {
    }

    /**
     * Wraps a raw file stream for reading: if it starts with the gzip magic {@code 0x1f 0x8b} it is
     * decompressed, otherwise read as is. The result is always buffered (64 KiB).
     */
    public static InputStream open(InputStream raw, String fileName) {
        return opened(raw, fileName).in();
    }

    /** An opened file: the stream to read (decompressed) and whether it was gzip. */
    private record Opened(InputStream in, boolean gzip) {
    }

    private static Opened opened(InputStream raw, String fileName) {
        BufferedInputStream buffered = raw instanceof BufferedInputStream b ? b : new BufferedInputStream(raw, BUFFER_BYTES);
        try {
            buffered.mark(2);
            int b0 = buffered.read();
            int b1 = buffered.read();
            buffered.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                return new Opened(new BufferedInputStream(new GZIPInputStream(buffered, BUFFER_BYTES), BUFFER_BYTES),
                        true);
            }
            return new Opened(buffered, false);
        } catch (IOException e) {
            throw failure(e, fileName);
        }
    }

    /**
     * Reads and validates an IDX header from a stream positioned at the file's first byte (after
     * {@link #open}, i.e. decompressed). Leaves the stream at the first data byte.
     *
     * @throws InvalidDataException on a bad magic, a type other than unsigned byte, a rank outside
     *                              1..4, a non-positive dimension, or a truncated header
     */
    public static IdxHeader readHeader(InputStream in, String fileName) {
        return IdxHeaders.read(in, fileName);
    }

    /**
     * Preflight check of an image/label pair, run once on the driver: validates both headers, the
     * ranks and matching counts, then reads through all data of both files and checks its exact
     * length. Costs one full pass over both files.
     *
     * @param images raw image file stream at its first byte (gzip or not); not closed
     * @param labels raw label file stream at its first byte (gzip or not); not closed
     * @return the shape, count and largest label
     */
    public static IdxSummary validatePair(InputStream images, String imagesName, InputStream labels, String labelsName) {
        return validatePair(new Source(images, imagesName, -1), new Source(labels, labelsName, -1));
    }

    /** As {@link #validatePair(InputStream, String, InputStream, String)}, checking declared sizes against lengths. */
    public static IdxSummary validatePair(Source images, Source labels) {
        String imagesName = images.name();
        String labelsName = labels.name();
        Opened imageFile = opened(images.in(), imagesName);
        InputStream imageIn = imageFile.in();
        Opened labelFile = opened(labels.in(), labelsName);
        InputStream labelIn = labelFile.in();
        IdxHeader imageHeader = readHeader(imageIn, imagesName);
        IdxHeader labelHeader = readHeader(labelIn, labelsName);
        IdxHeaders.checkDeclaredSize(imageHeader, images, imageFile.gzip());
        IdxHeaders.checkDeclaredSize(labelHeader, labels, labelFile.gzip());
        checkPair(imageHeader, imagesName, labelHeader, labelsName);
        long n = imageHeader.count();
        try {
            byte[] buffer = new byte[BUFFER_BYTES];
            int maxLabel = 0;
            long labelsRead = 0;
            while (labelsRead < n) {
                int got = labelIn.readNBytes(buffer, 0, (int) Math.min(buffer.length, n - labelsRead));
                for (int i = 0; i < got; i++) {
                    maxLabel = Math.max(maxLabel, buffer[i] & 0xFF);
                }
                labelsRead += got;
                if (got == 0) {
                    break;
                }
            }
            checkDataLength(labelIn, labelsName, labelHeader, labelsRead, buffer);
            long imageBytes = n * imageHeader.itemBytes();
            long imageRead = 0;
            while (imageRead < imageBytes) {
                int got = imageIn.readNBytes(buffer, 0, (int) Math.min(buffer.length, imageBytes - imageRead));
                imageRead += got;
                if (got == 0) {
                    break;
                }
            }
            checkDataLength(imageIn, imagesName, imageHeader, imageRead, buffer);
            int[] dims = imageHeader.dims;
            return imageHeader.rank() == 3
                    ? new IdxSummary(n, 1, dims[1], dims[2], maxLabel)
                    : new IdxSummary(n, dims[1], dims[2], dims[3], maxLabel);
        } catch (IOException e) {
            throw failure(e, imagesName + " / " + labelsName);
        }
    }

    /**
     * Reads items {@code firstRecord .. firstRecord + count - 1} of an image/label pair and passes
     * each to {@code sink} as a new {@link ImageRecord}. Headers, ranks and counts are validated;
     * the data beyond the requested slice is not read (see {@link #validatePair} for that).
     *
     * @param images raw image file stream at its first byte (gzip or not); not closed
     * @param labels raw label file stream at its first byte (gzip or not); not closed
     * @throws InvalidDataException on a bad header, a slice beyond the declared count, a label
     *                              {@code >= numClasses}, or data shorter than declared
     */
    public static void read(InputStream images, String imagesName, InputStream labels, String labelsName,
                            long firstRecord, long count, int numClasses, Consumer<ImageRecord> sink) {
        read(new Source(images, imagesName, -1), new Source(labels, labelsName, -1), firstRecord, count, numClasses,
                sink);
    }

    /**
     * As {@link #read(InputStream, String, InputStream, String, long, long, int, Consumer)}, checking
     * the declared sizes against the files' lengths first.
     */
    public static void read(Source images, Source labels, long firstRecord, long count, int numClasses,
                            Consumer<ImageRecord> sink) {
        String imagesName = images.name();
        String labelsName = labels.name();
        if (firstRecord < 0 || count < 0) {
            throw new IllegalArgumentException(imagesName + ": record range must be non-negative, got first "
                    + firstRecord + ", count " + count);
        }
        if (numClasses < 1 || numClasses > 256) {
            throw new IllegalArgumentException("numClasses must be in 1..256 for a 1-byte label, got " + numClasses);
        }
        Opened imageFile = opened(images.in(), imagesName);
        InputStream imageIn = imageFile.in();
        Opened labelFile = opened(labels.in(), labelsName);
        InputStream labelIn = labelFile.in();
        IdxHeader imageHeader = readHeader(imageIn, imagesName);
        IdxHeader labelHeader = readHeader(labelIn, labelsName);
        IdxHeaders.checkDeclaredSize(imageHeader, images, imageFile.gzip());
        IdxHeaders.checkDeclaredSize(labelHeader, labels, labelFile.gzip());
        checkPair(imageHeader, imagesName, labelHeader, labelsName);
        if (firstRecord + count > imageHeader.count()) {
            throw new InvalidDataException(imagesName + ": records " + firstRecord + ".." + (firstRecord + count - 1)
                    + " requested, but the header declares only " + imageHeader.count()
                    + " — the file changed since it was listed; re-run with the current input");
        }
        int itemBytes = (int) imageHeader.itemBytes();
        try {
            skipItems(imageIn, imagesName, imageHeader, firstRecord);
            skipItems(labelIn, labelsName, labelHeader, firstRecord);
            byte[] labelBuffer = new byte[(int) Math.min(BUFFER_BYTES, Math.max(1, count))];
            long done = 0;
            while (done < count) {
                int batch = (int) Math.min(labelBuffer.length, count - done);
                long record = firstRecord + done;
                int gotLabels = labelIn.readNBytes(labelBuffer, 0, batch);
                if (gotLabels < batch) {
                    throw shortItem(labelsName, labelHeader, record + gotLabels);
                }
                for (int i = 0; i < batch; i++, record++) {
                    int label = labelBuffer[i] & 0xFF;
                    if (label >= numClasses) {
                        throw new InvalidDataException(labelsName + ": record " + record + " (byte offset "
                                + (labelHeader.headerBytes() + record) + ") has label " + label + ", but the dataset has "
                                + numClasses + " classes (labels 0.." + (numClasses - 1) + "); the file is corrupt or"
                                + " the class list is too short — check the class names or re-download the file");
                    }
                    byte[] pixels = readItem(imageIn, itemBytes);
                    if (pixels.length < itemBytes) {
                        throw shortItem(imagesName, imageHeader, record);
                    }
                    sink.accept(new ImageRecord(label, pixels));
                }
                done += batch;
            }
        } catch (IOException e) {
            throw failure(e, imagesName + " / " + labelsName);
        }
    }

    /**
     * An item's bytes; a large item is read in steps, so a header declaring more than the file holds
     * costs no more memory than the file's data.
     */
    private static byte[] readItem(InputStream in, int itemBytes) throws IOException {
        if (itemBytes <= BUFFER_BYTES) {
            byte[] item = new byte[itemBytes];
            int got = in.readNBytes(item, 0, itemBytes);
            return got == itemBytes ? item : Arrays.copyOf(item, got);
        }
        return in.readNBytes(itemBytes);
    }

    private static void checkPair(IdxHeader images, String imagesName, IdxHeader labels, String labelsName) {
        if (images.rank() != 3 && images.rank() != 4) {
            throw new InvalidDataException(imagesName + ": image file has rank " + images.rank() + " (dims "
                    + Arrays.toString(images.dims) + "), expected 3 [n, height, width] or 4 [n, channels, height, width]"
                    + " — is this a label file passed as images?");
        }
        if (labels.rank() != 1) {
            throw new InvalidDataException(labelsName + ": label file has rank " + labels.rank() + " (dims "
                    + Arrays.toString(labels.dims) + "), expected 1 [n] — is this an image file passed as labels?");
        }
        if (images.count() != labels.count()) {
            throw new InvalidDataException(imagesName + " declares " + images.count() + " images but " + labelsName
                    + " declares " + labels.count() + " labels; the two files do not belong together"
                    + " — use the matching images/labels pair (train-* with train-*, t10k-* with t10k-*)");
        }
    }

    private static void checkDataLength(InputStream in, String fileName, IdxHeader header, long found, byte[] buffer)
            throws IOException {
        long expected = header.count() * header.itemBytes();
        if (found < expected) {
            throw new InvalidDataException(fileName + ": short data: expected " + expected + " bytes after the header ("
                    + Arrays.toString(header.dims) + "), found " + found + "; the file is truncated — re-download it");
        }
        long trailing = 0;
        for (int got = in.read(buffer); got >= 0; got = in.read(buffer)) {
            trailing += got;
        }
        if (trailing > 0) {
            throw new InvalidDataException(fileName + ": " + trailing + " trailing bytes after the " + expected
                    + " data bytes declared by the header " + Arrays.toString(header.dims) + " (byte offset "
                    + (header.headerBytes() + expected) + "); the header or the file is wrong — re-download it");
        }
    }

    private static void skipItems(InputStream in, String fileName, IdxHeader header, long items) throws IOException {
        try {
            in.skipNBytes(items * header.itemBytes());
        } catch (EOFException e) {
            throw new InvalidDataException(fileName + ": short data: file ends before record " + items + " (byte offset "
                    + (header.headerBytes() + items * header.itemBytes()) + "); the file is truncated — re-download it", e);
        }
    }

    private static InvalidDataException shortItem(String fileName, IdxHeader header, long record) {
        return new InvalidDataException(fileName + ": short data: file ends inside record " + record + " (byte offset "
                + (header.headerBytes() + record * header.itemBytes()) + ") of the " + header.count()
                + " declared by the header; the file is truncated — re-download it");
    }

    /** Corrupt or truncated gzip data is a data problem; anything else is an I/O failure. */
    static RuntimeException failure(IOException e, String fileNames) {
        if (e instanceof EOFException || e instanceof java.util.zip.ZipException) {
            return new InvalidDataException(fileNames + ": compressed data is corrupt or truncated (" + e.getMessage()
                    + "); re-download the file, or test it with gunzip -t", e);
        }
        return new UncheckedIOException(fileNames + ": read failed: " + e.getMessage(), e);
    }

    /**
     * The files of an MNIST-style dataset. Values are entries of the list given to
     * {@link #locate}, unchanged (so they may be paths).
     *
     * @param testImages null if the dataset has no test pair
     * @param testLabels null if the dataset has no test pair
     */
    public record IdxFiles(String trainImages, String trainLabels, String testImages, String testLabels) {
        public boolean hasTest() {
            return testImages != null && testLabels != null;
        }
    }

    /**
     * Finds the MNIST / Fashion-MNIST files among {@code fileNames} (bare names or paths):
     * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte},
     * {@code t10k-labels-idx1-ubyte}, each optionally ending in {@code .gz} and also in the dotted
     * form {@code train-images.idx3-ubyte}. If a file exists both raw and gzipped, the raw one wins.
     *
     * @param where the directory or location listed, for error messages
     * @throws InvalidDataException if the training pair is missing, or only half the test pair exists
     */
    public static IdxFiles locate(List<String> fileNames, String where) {
        return IdxLocator.locate(fileNames, where);
    }
}
