package dev.sparkcnn.datasets.fetch;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One published file of a dataset and the MD5 its publishers list for it. MD5 is what the
 * publishers give (and what torchvision checks); it guards against corrupt and wrong files, not
 * against an attacker.
 *
 * @param fileName the name under the dataset's base URL, also the name it is saved as
 * @param md5      32 hex digits
 * @param maxBytes the most bytes a download of it may have (a cap a little above the published
 *                 size): a server that announces or sends more is refused before it fills the disk
 */
public record RemoteFile(String fileName, String md5, long maxBytes) {
    /** The cap of a file whose size the catalogue does not give (test fixtures, mirrors of unknown files). */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public RemoteFile {
        if (fileName == null || !NAME.matcher(fileName).matches()) {
            throw new IllegalArgumentException("a published file name must be a plain file name, got " + fileName);
        }
        md5 = md5 == null ? null : md5.toLowerCase(Locale.ROOT);
        if (md5 == null || !MD5.matcher(md5).matches()) {
            throw new IllegalArgumentException(fileName + ": an MD5 must be 32 hex digits, got " + md5);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException(fileName + ": the size cap must be positive, got " + maxBytes);
        }
    }

    /** A file capped at {@link #DEFAULT_MAX_BYTES}. */
    public RemoteFile(String fileName, String md5) {
        this(fileName, md5, DEFAULT_MAX_BYTES);
    }
}
