package dev.sparkcnn.datasets.fetch;

import dev.sparkcnn.datasets.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The directory a fetch writes: built in a hidden temporary sibling and renamed into place, so
 * readers see the complete dataset or nothing. With overwrite, the previous directory is renamed
 * aside first and deleted only once the new one is in place; only a directory a fetch wrote (it
 * holds {@value #MARKER}) is ever replaced.
 */
final class OutputDirectory {
    /** The hidden file that marks a directory as written by {@code data fetch} (readers skip hidden files). */
    static final String MARKER = ".sparkcnn-dataset";
    private final Path target;
    private final boolean replace;

    private OutputDirectory(Path target, boolean replace) {
        this.target = target;
        this.replace = replace;
    }

    /** Checks {@code target} (absolute) can be written: absent, empty, or {@code overwrite}. */
    static OutputDirectory prepare(Path target, boolean overwrite) {
        if (target.getParent() == null) {
            throw new UsageException("--out " + target + ": give a directory below the file system root");
        }
        boolean replace = false;
        if (Files.exists(target)) {
            if (!Files.isDirectory(target)) {
                throw new UsageException("--out " + target + " is a file; give a directory");
            }
            if (!isEmpty(target) && !overwrite) {
                throw new UsageException("--out " + target + " already exists and is not empty; choose a new "
                        + "directory or pass --overwrite to replace it");
            }
            if (!isEmpty(target) && !Files.isRegularFile(target.resolve(MARKER), LinkOption.NOFOLLOW_LINKS)) {
                throw new UsageException("--out " + target + " exists and was not written by data fetch (it "
                        + "has no " + MARKER + "); --overwrite replaces only such directories: choose a new "
                        + "directory, or remove it yourself if you mean to");
            }
            replace = true;
        }
        return new OutputDirectory(target, replace);
    }

    /** A new empty hidden sibling of the target to build the dataset in. */
    Path createStaging() throws IOException {
        Path parent = target.getParent();
        Path staging = parent.resolve("." + target.getFileName() + ".fetch-" + UUID.randomUUID().toString()
                .substring(0, 8));
        try {
            Files.createDirectories(parent);
            return Files.createDirectory(staging);
        } catch (AccessDeniedException e) {
            throw denied(target, Path.of(e.getFile()));
        }
    }

    /** Renames {@code staging} to the target, replacing the old one if there is one. */
    void publish(Path staging) throws IOException {
        Files.writeString(staging.resolve(MARKER), "written by sparkcnn data fetch; --overwrite may replace this "
                + "directory\n", StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Path old = null;
        if (replace && Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + UUID.randomUUID().toString()
                    .substring(0, 8));
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(staging, target);
        }
        if (old != null) {
            deleteTree(old);
        }
    }

    static UsageException denied(Path target, Path path) {
        return new UsageException("--out " + target + ": permission denied creating " + path
                + "; choose a directory you can write to (or fix its permissions)");
    }

    /** Deletes a directory tree if it exists; links are deleted, never followed. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException("--out " + dir + ": cannot list: " + e.getMessage(), e);
        }
    }
}
