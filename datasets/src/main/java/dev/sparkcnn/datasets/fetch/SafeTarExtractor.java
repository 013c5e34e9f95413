package dev.sparkcnn.datasets.fetch;

import dev.sparkcnn.datasets.InvalidDataException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Extracts a tar.gz archive, accepting only plain files and directories that stay inside the
 * target. Anything else — an entry with {@code ..} or an absolute name, a symbolic or hard link, a
 * device or FIFO — rejects the whole archive: the published datasets contain none of these, so
 * one means a corrupt or tampered archive, and skipping it would hand the user a partial dataset.
 * Because no links are ever created, a later entry cannot escape through an earlier one either.
 *
 * <p>The caller extracts into a fresh temporary directory and deletes it on failure; file modes
 * and owners in the archive are ignored.
 */
public final class SafeTarExtractor {
    private SafeTarExtractor() {
    }

    /**
     * Extracts {@code archive} (gzipped tar) into the existing directory {@code into}.
     *
     * @return the number of regular files written
     * @throws InvalidDataException naming the archive and entry when an entry is refused or the
     *                              archive is not a readable tar.gz
     */
    public static int extract(Path archive, Path into) throws IOException {
        Path root = into.toAbsolutePath().normalize();
        int files = 0;
        try (TarArchiveInputStream tar = open(archive)) {
            byte[] buffer = new byte[1 << 16];
            for (TarArchiveEntry entry = next(tar, archive); entry != null; entry = next(tar, archive)) {
                Path target = target(archive, root, entry);
                try {
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                        continue;
                    }
                    Files.createDirectories(target.getParent());
                    try (OutputStream out = Files.newOutputStream(target)) {
                        for (int n = read(tar, buffer, archive, entry); n >= 0; n = read(tar, buffer, archive, entry)) {
                            out.write(buffer, 0, n);
                        }
                    }
                } catch (FileAlreadyExistsException | NotDirectoryException | DirectoryNotEmptyException e) {
                    throw clash(archive, entry);
                } catch (FileSystemException e) {
                    if (Files.isDirectory(target) || Files.isRegularFile(target.getParent())) {
                        throw clash(archive, entry); // "Is a directory" / "Not a directory"
                    }
                    throw e;
                }
                files++;
            }
        }
        if (files == 0) {
            throw new InvalidDataException(archive + ": the archive holds no files; it is not the dataset's archive");
        }
        return files;
    }

    private static TarArchiveInputStream open(Path archive) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
        try {
            return new TarArchiveInputStream(new GzipCompressorInputStream(raw));
        } catch (IOException e) {
            raw.close();
            throw unreadable(archive, e);
        }
    }

    private static TarArchiveEntry next(TarArchiveInputStream tar, Path archive) {
        try {
            return tar.getNextEntry();
        } catch (IOException e) {
            throw unreadable(archive, e);
        }
    }

    private static int read(TarArchiveInputStream tar, byte[] buffer, Path archive, TarArchiveEntry entry) {
        try {
            return tar.read(buffer);
        } catch (IOException e) {
            throw unreadable(archive, new IOException("in entry '" + entry.getName() + "': " + e.getMessage(), e));
        }
    }

    private static InvalidDataException unreadable(Path archive, IOException e) {
        return new InvalidDataException(archive + ": not a readable tar.gz archive (" + e.getMessage()
                + "); the file is corrupt or truncated — fetch it again", e);
    }

    /** Where an entry goes, after refusing every kind of entry that could write outside {@code root}. */
    private static Path target(Path archive, Path root, TarArchiveEntry entry) {
        String name = entry.getName();
        if (entry.isSymbolicLink() || entry.isLink()) {
            throw refused(archive, name, "is a " + (entry.isSymbolicLink() ? "symbolic" : "hard") + " link to '"
                    + entry.getLinkName() + "'; links are never extracted");
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
            throw refused(archive, name, "is a device or FIFO; only files and directories are extracted");
        }
        if (!entry.isDirectory() && !entry.isFile()) {
            throw refused(archive, name, "has an unsupported type; only files and directories are extracted");
        }
        if (name.isEmpty() || name.startsWith("/") || name.startsWith("\\") || name.contains("\\")
                || name.indexOf(':') >= 0) {
            throw refused(archive, name, "has an absolute or non-portable name");
        }
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                throw refused(archive, name, "climbs out of the target directory with '..'");
            }
        }
        Path target;
        try {
            target = root.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw refused(archive, name, "is not a valid path here (" + e.getReason() + ")");
        }
        if (target.equals(root) && entry.isDirectory()) {
            return root;
        }
        if (!target.startsWith(root) || target.equals(root)) {
            throw refused(archive, name, "resolves outside the target directory");
        }
        return target;
    }

    /** A file and a directory of the same name: the archive is not the dataset's. */
    private static InvalidDataException clash(Path archive, TarArchiveEntry entry) {
        return refused(archive, entry.getName(), "clashes with an earlier entry: a file and a directory cannot have "
                + "the same name");
    }

    private static InvalidDataException refused(Path archive, String entry, String why) {
        return new InvalidDataException(archive + ": refusing archive entry '" + entry + "': it " + why
                + "; the archive is corrupt or has been tampered with — fetch it from the official source");
    }
}
