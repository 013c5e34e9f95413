package dev.sparkcnn.datasets.format;

/**
 * One entry of a directory listing.
 *
 * @param path      the entry's full path or URI, as the file system names it
 * @param name      the last component of {@code path}
 * @param length    bytes (0 for a directory)
 * @param directory true for a directory
 */
public record FileEntry(String path, String name, long length, boolean directory) {

    /** False for names starting with {@code .} or {@code _} (hidden, or Hadoop's {@code _SUCCESS} markers). */
    public boolean visible() {
        return !name.startsWith(".") && !name.startsWith("_");
    }

    /** A visible regular file with a sane length. */
    public boolean visibleFile() {
        return !directory && visible() && length >= 0;
    }
}
