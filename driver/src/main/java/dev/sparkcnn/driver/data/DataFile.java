package dev.sparkcnn.driver.data;

import java.io.Serializable;

/**
 * One input file of fixed-size records, already validated on the driver.
 *
 * @param path       the file (Hadoop URI); for IDX the images file
 * @param labelsPath the IDX labels file, null for formats that keep labels inline
 * @param records    number of records in the file
 */
public record DataFile(String path, String labelsPath, long records) implements Serializable {
    /** The file name without its directory, for messages. */
    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
