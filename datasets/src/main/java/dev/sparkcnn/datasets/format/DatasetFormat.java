package dev.sparkcnn.datasets.format;

import dev.sparkcnn.datasets.DatasetSpec;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * One dataset format: how to recognise its files in a directory, how to locate and validate them
 * (on the driver, before any job) and how to read a contiguous run of records from one of its files
 * (on executors). Implementations are stateless; they are registered in
 * {@code META-INF/services/dev.sparkcnn.datasets.format.DatasetFormat} and found through
 * {@link DatasetFormats}. Malformed data raises {@link dev.sparkcnn.datasets.InvalidDataException}
 * naming the file.
 */
public interface DatasetFormat {

    /** The stable key: the value of {@code --format} and of {@code "format"} in {@code config.json}. */
    String name();

    /** A short human name for messages, e.g. {@code CIFAR-100}. */
    String displayName();

    /** What its files look like, for messages, e.g. {@code CIFAR-100 binary (train.bin)}. */
    String description();

    /**
     * True when the visible entries directly in {@code dir} hold this format's data.
     *
     * @param entries the visible entries of {@code dir} (files and directories)
     */
    boolean detect(DataFileSystem fs, String dir, List<FileEntry> entries) throws IOException;

    /** Sub-directories an official archive extracts to, searched when {@code dir} itself holds no data. */
    default List<String> archiveDirectories() {
        return List.of();
    }

    /** The format-specific options it accepts. */
    default Set<FormatOption> accepts() {
        return Set.of();
    }

    /**
     * Finds and validates the dataset's files in {@code dir}.
     *
     * @param entries the visible entries of {@code dir}
     * @param data    the location as the user gave it, for messages
     */
    DatasetLayout locate(DataFileSystem fs, String dir, List<FileEntry> entries, FormatOptions options, String data)
            throws IOException;

    /**
     * Reads records {@code first .. first + count - 1} of {@code file} into {@code sink}, validating
     * each.
     *
     * @param options the located dataset's options (defaults filled in)
     */
    void read(DataFileSystem fs, DatasetSpec spec, FormatOptions options, DataFile file, long first, long count,
              RecordSink sink) throws IOException;
}
