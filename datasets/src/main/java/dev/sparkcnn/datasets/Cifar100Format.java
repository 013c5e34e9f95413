package dev.sparkcnn.datasets;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The CIFAR-100 binary format: {@code train.bin} (50,000 records) and {@code test.bin} (10,000),
 * each record a coarse label byte (20 superclasses), a fine label byte (100 classes) and a 32x32 RGB
 * image stored like CIFAR-10's (1,024 red, 1,024 green, 1,024 blue bytes). Class names are in
 * {@code coarse_label_names.txt} and {@code fine_label_names.txt}. A run trains on one
 * {@link LabelSet}; both label bytes are still checked, because either out of range means the
 * file is not CIFAR-100 or is corrupt.
 *
 * <p>As with {@link CifarFormat}, the record count comes from the file length; methods never
 * close the streams they are given; malformed data raises {@link InvalidDataException}.
 */
public final class Cifar100Format {
    public static final int LABEL_BYTES = 2;
    public static final int RECORD_BYTES = LABEL_BYTES + CifarFormat.IMAGE_BYTES;
    /** The directory the official {@code cifar-100-binary.tar.gz} extracts to. */
    public static final String ARCHIVE_DIR = "cifar-100-binary";
    public static final String TRAIN_FILE = "train.bin";
    public static final String TEST_FILE = "test.bin";

    private static final int RECORDS_PER_CHUNK = 64;

    /** Which of the two labels a run learns. */
    public enum LabelSet {
        COARSE(20, "coarse_label_names.txt", 0),
        FINE(100, "fine_label_names.txt", 1);

        private final int classes;
        private final String metaFile;
        private final int offset;

        LabelSet(int classes, String metaFile, int offset) {
            this.classes = classes;
            this.metaFile = metaFile;
            this.offset = offset;
        }

        /** 20 or 100: the published class count, which the label bytes must stay below. */
        public int classes() {
            return classes;
        }

        /** The file listing this label set's class names. */
        public String metaFile() {
            return metaFile;
        }

        /** {@code coarse} or {@code fine}, as on the command line. */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @throws IllegalArgumentException unless {@code name} is {@code coarse} or {@code fine}
         */
        public static LabelSet parse(String name) {
            for (LabelSet s : values()) {
                if (s.cliName().equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("label set '" + name + "' is not coarse or fine");
        }

        private LabelSet other() {
            return this == COARSE ? FINE : COARSE;
        }
    }

    private Cifar100Format() {
    }

    /** True for {@code train.bin}; {@code fileName} may be a bare name or a path ending in one. */
    public static boolean isTrainFile(String fileName) {
        return TRAIN_FILE.equals(baseName(fileName));
    }

    /** True for {@code test.bin}. */
    public static boolean isTestFile(String fileName) {
        return TEST_FILE.equals(baseName(fileName));
    }

    /**
     * The number of records in a CIFAR-100 binary file of the given length.
     *
     * @throws InvalidDataException if the length is 0 or not a whole number of 3,074-byte records
     */
    public static long recordCount(String fileName, long fileLength) {
        if (fileLength <= 0) {
            throw new InvalidDataException(fileName + ": file is empty (" + fileLength + " bytes), expected a whole "
                    + "number of " + RECORD_BYTES + "-byte CIFAR-100 records — re-download or re-extract it");
        }
        long extra = fileLength % RECORD_BYTES;
        if (extra != 0) {
            throw new InvalidDataException(fileName + ": length " + fileLength + " is not a whole number of "
                    + RECORD_BYTES + "-byte CIFAR-100 records (" + fileLength / RECORD_BYTES + " records + " + extra
                    + " extra byte" + (extra == 1 ? "" : "s") + "); the file is truncated or not CIFAR-100 binary "
                    + "(CIFAR-10 records are 3073 bytes) — re-download or re-extract it");
        }
        return fileLength / RECORD_BYTES;
    }

    /**
     * Reads records {@code firstRecord .. firstRecord + count - 1} and passes each to {@code sink}
     * with the label of {@code labelSet}.
     *
     * @param numClasses the chosen label must be {@code < numClasses} (the class-name count)
     * @throws InvalidDataException if the file ends early or a label is out of range
     */
    public static void read(InputStream in, String fileName, long firstRecord, long count, LabelSet labelSet,
                            int numClasses, Consumer<ImageRecord> sink) {
        if (firstRecord < 0 || count < 0) {
            throw new IllegalArgumentException(fileName + ": record range must be non-negative, got first "
                    + firstRecord + ", count " + count);
        }
        try {
            skip(in, fileName, firstRecord);
            byte[] chunk = new byte[RECORDS_PER_CHUNK * RECORD_BYTES];
            for (long done = 0; done < count; ) {
                int records = (int) Math.min(RECORDS_PER_CHUNK, count - done);
                int got = in.readNBytes(chunk, 0, records * RECORD_BYTES);
                long chunkStart = firstRecord + done;
                for (int r = 0; r < got / RECORD_BYTES; r++) {
                    sink.accept(decode(chunk, r * RECORD_BYTES, fileName, chunkStart + r, labelSet, numClasses));
                }
                if (got < records * RECORD_BYTES) {
                    long record = chunkStart + got / RECORD_BYTES;
                    throw new InvalidDataException(fileName + ": file ends inside record " + record + " (byte offset "
                            + (firstRecord * RECORD_BYTES + (done * RECORD_BYTES) + got) + ") while reading records "
                            + firstRecord + ".." + (firstRecord + count - 1) + "; the file is truncated or shorter "
                            + "than when it was listed — re-download or re-extract it");
                }
                done += records;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(fileName + ": read failed: " + e.getMessage(), e);
        }
    }

    /** Class names from {@code coarse_label_names.txt} or {@code fine_label_names.txt}. */
    public static List<String> readClassNames(InputStream in, String fileName) {
        return ClassNamesFile.read(in, fileName, "the file is not a CIFAR-100 label-names file — re-extract the "
                + "archive or remove the file to number the classes");
    }

    /** The spec of a CIFAR-100 dataset: 3x32x32 images with the given classes. */
    public static DatasetSpec spec(List<String> classNames) {
        return new DatasetSpec(3, 32, 32, classNames);
    }

    private static ImageRecord decode(byte[] chunk, int offset, String fileName, long record, LabelSet labelSet,
                                      int numClasses) {
        int label = chunk[offset + labelSet.offset] & 0xFF;
        int other = chunk[offset + labelSet.other().offset] & 0xFF;
        if (label >= numClasses || other >= labelSet.other().classes) {
            boolean chosen = label >= numClasses;
            LabelSet bad = chosen ? labelSet : labelSet.other();
            throw new InvalidDataException(fileName + ": record " + record + " (byte offset "
                    + (record * RECORD_BYTES + bad.offset) + ") has " + bad.cliName() + " label "
                    + (chosen ? label : other) + ", but there are " + (chosen ? numClasses : bad.classes) + " "
                    + bad.cliName() + " classes; the file is corrupt or not CIFAR-100 binary — re-download it");
        }
        byte[] pixels = new byte[CifarFormat.IMAGE_BYTES];
        System.arraycopy(chunk, offset + LABEL_BYTES, pixels, 0, pixels.length);
        return new ImageRecord(label, pixels);
    }

    private static void skip(InputStream in, String fileName, long firstRecord) throws IOException {
        try {
            in.skipNBytes(firstRecord * RECORD_BYTES);
        } catch (EOFException e) {
            throw new InvalidDataException(fileName + ": cannot skip to record " + firstRecord + ": the file ends "
                    + "before it; it is shorter than when it was listed — re-list the input or re-download it", e);
        }
    }

    private static String baseName(String fileName) {
        return fileName.substring(fileName.lastIndexOf('/') + 1);
    }
}
