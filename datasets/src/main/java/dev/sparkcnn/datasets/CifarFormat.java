package dev.sparkcnn.datasets;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The CIFAR-10 binary format: files of 3,073-byte records, each one label byte followed by a
 * 32x32 RGB image stored channel by channel (1,024 red, 1,024 green, 1,024 blue bytes, row-major).
 * Files are named {@code data_batch_1.bin} .. {@code data_batch_5.bin} and {@code test_batch.bin};
 * {@code batches.meta.txt} lists the class names.
 *
 * <p>Nothing here assumes 10,000 records per file: the record count comes from the file length,
 * which must be a whole, non-zero number of records. Labels are checked against the class count.
 * Methods never close the streams they are given. Malformed data raises
 * {@link InvalidDataException}; I/O failures raise {@link UncheckedIOException}.
 */
public final class CifarFormat {
    public static final int LABEL_BYTES = 1;
    public static final int IMAGE_BYTES = 3072;
    public static final int RECORD_BYTES = LABEL_BYTES + IMAGE_BYTES;
    public static final String META_FILE = "batches.meta.txt";
    /** The directory the official {@code cifar-10-binary.tar.gz} extracts to. */
    public static final String ARCHIVE_DIR = "cifar-10-batches-bin";
    public static final String TEST_FILE = "test_batch.bin";
    public static final List<String> CIFAR10_CLASSES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private static final Pattern TRAIN_FILE = Pattern.compile("data_batch_[0-9]+\\.bin");
    /** Records decoded per bulk read: large enough to amortise stream calls, ~200 KB. */
    private static final int RECORDS_PER_CHUNK = 64;

    private CifarFormat() {
    }

    /** The spec of a CIFAR-format dataset: 3x32x32 images with the given classes. */
    public static DatasetSpec spec(List<String> classNames) {
        return new DatasetSpec(3, 32, 32, classNames);
    }

    /** True for {@code data_batch_<N>.bin}; {@code fileName} may be a bare name or a path ending in one. */
    public static boolean isTrainFile(String fileName) {
        return TRAIN_FILE.matcher(baseName(fileName)).matches();
    }

    /** True for {@code test_batch.bin}; {@code fileName} may be a bare name or a path ending in one. */
    public static boolean isTestFile(String fileName) {
        return TEST_FILE.equals(baseName(fileName));
    }

    /**
     * The number of records in a CIFAR-10 binary file of the given length.
     *
     * @throws InvalidDataException if the length is 0 or not a whole number of 3,073-byte records
     */
    public static long recordCount(String fileName, long fileLength) {
        if (fileLength == 0) {
            throw new InvalidDataException(fileName + ": file is empty (0 bytes), expected a whole number of "
                    + RECORD_BYTES + "-byte CIFAR-10 records; the download or extraction was interrupted"
                    + " — re-download or re-extract it");
        }
        if (fileLength < 0) {
            throw new InvalidDataException(fileName + ": length " + fileLength
                    + " is negative; the file system reported a bogus size — check the path");
        }
        long extra = fileLength % RECORD_BYTES;
        if (extra != 0) {
            throw new InvalidDataException(fileName + ": length " + fileLength + " is not a whole number of "
                    + RECORD_BYTES + "-byte CIFAR-10 records (" + fileLength / RECORD_BYTES + " records + "
                    + extra + " extra byte" + (extra == 1 ? "" : "s") + "); the file is truncated or not"
                    + " CIFAR-10 binary (CIFAR-100 records are 3074 bytes) — re-download or re-extract it");
        }
        return fileLength / RECORD_BYTES;
    }

    /**
     * Reads records {@code firstRecord .. firstRecord + count - 1} of a CIFAR-10 binary file and
     * passes each to {@code sink} as a new {@link ImageRecord} (its own 3,072-byte pixel array).
     *
     * @param in          the file's contents, positioned at its first byte; not closed
     * @param fileName    used in error messages
     * @param firstRecord index of the first record to read, {@code >= 0}
     * @param count       number of records to read, {@code >= 0}
     * @param numClasses  labels must be {@code < numClasses}
     * @throws InvalidDataException if the file ends early or a label is out of range
     */
    public static void read(InputStream in, String fileName, long firstRecord, long count, int numClasses,
                            Consumer<ImageRecord> sink) {
        if (firstRecord < 0 || count < 0) {
            throw new IllegalArgumentException(fileName + ": record range must be non-negative, got first "
                    + firstRecord + ", count " + count);
        }
        if (numClasses < 1 || numClasses > 256) {
            throw new IllegalArgumentException("numClasses must be in 1..256 for a 1-byte label, got " + numClasses);
        }
        try {
            skipRecords(in, fileName, firstRecord);
            byte[] chunk = new byte[RECORDS_PER_CHUNK * RECORD_BYTES];
            long done = 0;
            while (done < count) {
                int records = (int) Math.min(RECORDS_PER_CHUNK, count - done);
                int got = in.readNBytes(chunk, 0, records * RECORD_BYTES);
                long chunkStart = firstRecord + done;
                int whole = got / RECORD_BYTES;
                for (int r = 0; r < whole; r++) {
                    sink.accept(decode(chunk, r * RECORD_BYTES, fileName, chunkStart + r, numClasses));
                }
                if (got < records * RECORD_BYTES) {
                    throw shortRead(fileName, chunkStart + whole, got - whole * RECORD_BYTES, firstRecord, count);
                }
                done += records;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(fileName + ": read failed: " + e.getMessage(), e);
        }
    }

    /**
     * Reads class names from {@code batches.meta.txt}: one per non-blank line, trimmed, in label
     * order.
     *
     * @param in the file's contents (UTF-8); not closed
     * @throws InvalidDataException if fewer than 2 names are found
     */
    public static List<String> readClassNames(InputStream in, String fileName) {
        return ClassNamesFile.read(in, fileName, "the file is not a CIFAR " + META_FILE
                + " — re-extract the archive or remove the file to use the default CIFAR-10 names");
    }

    private static void skipRecords(InputStream in, String fileName, long firstRecord) throws IOException {
        if (firstRecord == 0) {
            return;
        }
        long bytes = firstRecord * RECORD_BYTES;
        try {
            in.skipNBytes(bytes);
        } catch (EOFException e) {
            throw new InvalidDataException(fileName + ": cannot skip to record " + firstRecord + " (byte offset "
                    + bytes + "): the file ends before it; the file is shorter than when it was listed"
                    + " — re-list the input or re-download the file", e);
        }
    }

    private static ImageRecord decode(byte[] chunk, int offset, String fileName, long record, int numClasses) {
        int label = chunk[offset] & 0xFF;
        if (label >= numClasses) {
            throw new InvalidDataException(fileName + ": record " + record + " (byte offset " + record * RECORD_BYTES
                    + ") has label " + label + ", but the dataset has " + numClasses + " classes (labels 0.."
                    + (numClasses - 1) + "); the file is corrupt, not CIFAR-10 binary, or the class list is"
                    + " too short — check " + META_FILE + " or re-download the file");
        }
        byte[] pixels = new byte[IMAGE_BYTES];
        System.arraycopy(chunk, offset + LABEL_BYTES, pixels, 0, IMAGE_BYTES);
        return new ImageRecord(label, pixels);
    }

    private static InvalidDataException shortRead(String fileName, long record, int partialBytes,
                                                  long firstRecord, long count) {
        return new InvalidDataException(fileName + ": file ends inside record " + record + " (byte offset "
                + (record * RECORD_BYTES + partialBytes) + ", " + partialBytes + " of " + RECORD_BYTES
                + " bytes present) while reading records " + firstRecord + ".." + (firstRecord + count - 1)
                + "; the file is truncated or shorter than when it was listed — re-download or re-extract it");
    }

    private static String baseName(String fileName) {
        return fileName.substring(fileName.lastIndexOf('/') + 1);
    }
}
