package dev.sparkcnn.datasets.fetch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code .part} file a download writes, never through a symbolic link: a fresh one is created
 * exclusively ({@code CREATE_NEW}, which fails on any existing name, link or not), one that is
 * resumed must be a regular file and is opened with {@code NOFOLLOW_LINKS}. A link planted in its
 * place (to make the download overwrite another file) is refused with its name.
 */
final class PartFile {
    private PartFile() {
    }

    /** Refuses {@code part} when it is a symbolic link or anything but a regular file. */
    static void check(Path part) throws HttpDownloader.RefusedException {
        if (Files.isSymbolicLink(part)) {
            throw new HttpDownloader.RefusedException(part + " is a symbolic link; a download never writes through "
                    + "one: remove it and run the command again");
        }
        if (Files.exists(part, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(part, LinkOption.NOFOLLOW_LINKS)) {
            throw new HttpDownloader.RefusedException(part + " is not a regular file; remove it and run the command "
                    + "again");
        }
    }

    /** Bytes already in {@code part} (0 when there is none). */
    static long size(Path part) throws IOException {
        check(part);
        return Files.exists(part, LinkOption.NOFOLLOW_LINKS) ? Files.size(part) : 0;
    }

    /** Opens {@code part} to append to it, or as a new empty file (replacing an old one) when not {@code append}. */
    static OutputStream open(Path part, boolean append) throws IOException {
        check(part);
        if (append) {
            return Files.newOutputStream(part, StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                    LinkOption.NOFOLLOW_LINKS);
        }
        Files.deleteIfExists(part);
        return Files.newOutputStream(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
    }
}
