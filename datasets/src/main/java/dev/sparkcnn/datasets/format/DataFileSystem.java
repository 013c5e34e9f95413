package dev.sparkcnn.datasets.format;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The file system a dataset lives on, as the formats see it: enough to list, stat and open files.
 * The driver implements it on Hadoop's {@code FileSystem} (file:, hdfs:, s3a:); {@link LocalFileSystem}
 * implements it on {@code java.nio} for tests and tools. Paths are strings in the file system's own
 * spelling.
 */
public interface DataFileSystem {

    /** The entry at {@code path}, or null when nothing is there. */
    FileEntry status(String path) throws IOException;

    /** The entries directly inside the directory {@code dir} (files and directories), in any order. */
    List<FileEntry> list(String dir) throws IOException;

    /** Opens a file for reading; the caller closes it. */
    InputStream open(String path) throws IOException;

    /** The path of {@code name} inside {@code dir}. */
    String child(String dir, String name);

    /** True when something exists at {@code path}. */
    default boolean exists(String path) throws IOException {
        return status(path) != null;
    }

    /** True when {@code path} is a directory. */
    default boolean isDirectory(String path) throws IOException {
        FileEntry e = status(path);
        return e != null && e.directory();
    }

    /** The length of the file at {@code path} in bytes. */
    default long size(String path) throws IOException {
        FileEntry e = status(path);
        if (e == null) {
            throw new java.io.FileNotFoundException(path);
        }
        return e.length();
    }
}
