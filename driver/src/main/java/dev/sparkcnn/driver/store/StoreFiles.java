package dev.sparkcnn.driver.store;

import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.driver.fs.HadoopConf;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads the files of a model or checkpoint directory with their size checked before anything is
 * allocated: a JSON file larger than {@link #MAX_JSON_BYTES} and a {@code state.bin} whose header
 * does not match its length are refused with an {@link InvalidDataException} naming the file, so a
 * damaged or foreign file can never make the driver run out of memory.
 */
final class StoreFiles {
    /** The largest JSON file read: far above any real one (a checkpoint's round history is ~200 bytes a round). */
    static final long MAX_JSON_BYTES = 64L << 20;

    private StoreFiles() {
    }

    /** The text of a small JSON file; {@code missing} completes the message when it does not exist. */
    static String text(HadoopConf hadoop, String path, String missing) {
        try {
            FileSystem fs = hadoop.fileSystem(path);
            FileStatus status = fs.getFileStatus(new Path(path));
            if (!status.isFile()) {
                throw new InvalidDataException(path + ": not a file; " + missing);
            }
            if (status.getLen() > MAX_JSON_BYTES) {
                throw new InvalidDataException(path + ": " + status.getLen() + " bytes, more than the "
                        + (MAX_JSON_BYTES >> 20) + " MB such a file can hold; it is damaged or not a sparkcnn file");
            }
            try (InputStream in = fs.open(new Path(path))) {
                byte[] bytes = in.readNBytes((int) MAX_JSON_BYTES + 1);
                if (bytes.length > MAX_JSON_BYTES) {
                    throw new InvalidDataException(path + ": grew past " + (MAX_JSON_BYTES >> 20) + " MB while read");
                }
                return new String(bytes, StandardCharsets.UTF_8);
            }
        } catch (FileNotFoundException e) {
            throw new InvalidDataException(path + ": missing; " + missing);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The decoded {@code state.bin} at {@code path} ({@link StateFile#read}). */
    static dev.sparkcnn.kernels.ModelState state(HadoopConf hadoop, String path, String missing) {
        try {
            FileSystem fs = hadoop.fileSystem(path);
            FileStatus status = fs.getFileStatus(new Path(path));
            if (!status.isFile()) {
                throw new InvalidDataException(path + ": not a file; " + missing);
            }
            try (InputStream in = fs.open(new Path(path), 1 << 16)) {
                return StateFile.read(in, status.getLen(), path);
            }
        } catch (FileNotFoundException e) {
            throw new InvalidDataException(path + ": missing; " + missing);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
        }
    }
}
