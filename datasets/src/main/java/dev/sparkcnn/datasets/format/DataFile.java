package dev.sparkcnn.datasets.format;

import java.io.Serializable;

/**
 * One input file of a located dataset, already validated on the driver.
 *
 * @param path       the file (in its file system's spelling); for IDX the images file
 * @param labelsPath the IDX labels file, null for formats that keep labels inline
 * @param records    number of records in the file
 */
public record DataFile(String path, String labelsPath, long records) implements Serializable {
    /** The file name without its directory, for messages. */
    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
