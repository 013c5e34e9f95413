package dev.sparkcnn.datasets.fetch;

import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.datasets.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Puts a published dataset into a directory that {@code train --data} reads: downloads each file
 * (or takes a local copy), checks its MD5 against the catalogue, extracts or copies it into a
 * temporary sibling of the output directory, and renames that into place. A crash or a refusal
 * leaves no output directory; an interrupted download leaves its {@code .part} file in a hidden
 * sibling ({@code .<out>.download/}) so the next run resumes it; nothing else is left behind.
 */
public final class DatasetFetcher {
    private final HttpDownloader downloader;
    private final Consumer<String> log;

    public DatasetFetcher(HttpDownloader downloader, Consumer<String> log) {
        this.downloader = downloader;
        this.log = log;
    }

    /**
     * Fetches {@code source} into {@code out}.
     *
     * @param from      a local copy: the archive itself, or a directory holding the published files;
     *                  null to download
     * @param overwrite replace a non-empty {@code out}
     * @throws InvalidDataException     checksum mismatch, refused archive entry
     * @throws IllegalArgumentException {@code out} exists, is not writable, or {@code from} lacks a file
     * @throws UncheckedIOException     network or disk failure; the message says what to do
     */
    public void fetch(DatasetSource source, Path out, Path from, boolean overwrite) {
        Path target = out.toAbsolutePath().normalize();
        OutputDirectory output = OutputDirectory.prepare(target, overwrite);
        Path downloads = target.resolveSibling("." + target.getFileName() + ".download");
        try {
            Path staging = output.createStaging();
            try {
                // every file verified before any is installed: a failure keeps what was already fetched
                List<Path> verified = new ArrayList<>();
                for (RemoteFile file : source.files()) {
                    if (from != null) {
                        Path local = localCopy(from, file, source);
                        verify(local, file, local + " (from --from)", false);
                        verified.add(local);
                    } else {
                        verified.add(download(source, file, downloads, out, target));
                    }
                }
                for (Path file : verified) {
                    try {
                        install(source, file, staging, from == null);
                    } catch (InvalidDataException e) {
                        if (from == null) {
                            Files.deleteIfExists(file); // refused: fetching it again gets a fresh copy
                        }
                        throw e;
                    }
                }
                output.publish(staging);
            } finally {
                OutputDirectory.deleteTree(staging);
            }
            OutputDirectory.deleteTree(downloads);
            log.accept("wrote " + source.name() + " to " + out);
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": " + HttpDownloader.describe(e), e);
        } finally {
            deleteIfEmpty(downloads);
        }
    }

    /** The download directory goes once it holds nothing to resume. */
    private static void deleteIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            // a .part file to resume next time
        } catch (IOException e) {
            // best effort: an empty hidden directory is harmless
        }
    }

    private void install(DatasetSource source, Path file, Path staging, boolean move) throws IOException {
        if (source.extract()) {
            int n = SafeTarExtractor.extract(file, staging);
            log.accept("extracted " + n + " files from " + file.getFileName());
        } else if (move) {
            Files.move(file, staging.resolve(file.getFileName()));
        } else {
            Files.copy(file, staging.resolve(file.getFileName().toString()));
        }
    }

    /** Downloads (resuming) and verifies one file; returns the verified file in {@code downloads}. */
    private Path download(DatasetSource source, RemoteFile file, Path downloads, Path out, Path target)
            throws IOException {
        Path done = downloads.resolve(file.fileName());
        refuseLink(downloads);
        refuseLink(done);
        if (Files.isRegularFile(done, LinkOption.NOFOLLOW_LINKS) && Checksums.md5(done).equals(file.md5())) {
            log.accept("using " + done + " (verified earlier)");
            return done;
        }
        Files.deleteIfExists(done);
        createDirectories(downloads, target);
        Path part = downloads.resolve(file.fileName() + ".part");
        String url = source.url(file);
        try {
            downloader.download(URI.create(url), part, file.maxBytes(), log);
        } catch (HttpDownloader.UnreachableException e) {
            throw new UncheckedIOException(url + ": " + e.getMessage() + ". Without network: copy "
                    + (source.files().size() == 1 ? file.fileName() : "the files " + names(source))
                    + " here from a machine that has " + (source.files().size() == 1 ? "it" : "them")
                    + " and run `sparkcnn data fetch " + source.name() + " --from "
                    + (source.files().size() == 1 ? file.fileName() : "DIR") + " --out " + out
                    + "`, or pass --mirror URL", e);
        } catch (HttpDownloader.RefusedException e) {
            if (!Files.isSymbolicLink(part)) {
                Files.deleteIfExists(part); // too large: its bytes are not worth resuming
            }
            throw new InvalidDataException(e.getMessage());
        } catch (HttpDownloader.HttpStatusException e) {
            throw new UncheckedIOException(e.getMessage() + "; check --mirror, or use --from with a local copy", e);
        } catch (IOException e) {
            throw new UncheckedIOException(url + ": " + e.getMessage() + "; the partial file " + part
                    + " is kept: run the same command again to resume", e);
        }
        verify(part, file, url, true);
        Files.move(part, done);
        return done;
    }

    /** A download never reads or writes through a symbolic link someone put in its place. */
    private static void refuseLink(Path path) {
        if (Files.isSymbolicLink(path)) {
            throw new InvalidDataException(path + " is a symbolic link; a download never writes through one: "
                    + "remove it and run the command again");
        }
    }

    private void verify(Path file, RemoteFile expected, String origin, boolean deleteOnMismatch) throws IOException {
        String actual = Checksums.md5(file);
        if (!actual.equals(expected.md5())) {
            if (deleteOnMismatch) {
                Files.deleteIfExists(file);
            }
            throw new InvalidDataException("checksum mismatch for " + origin + ": expected MD5 " + expected.md5()
                    + " (published for " + expected.fileName() + "), got " + actual + "; "
                    + (deleteOnMismatch ? "the corrupt download was deleted — run the command again, or use another"
                    + " --mirror" : "the copy is corrupt or a different file — copy the original "
                    + expected.fileName() + " again"));
        }
        log.accept("MD5 " + actual + " verified for " + expected.fileName());
    }

    /** The local copy of {@code file}: {@code from} itself for a one-file dataset, else a file inside it. */
    private static Path localCopy(Path from, RemoteFile file, DatasetSource source) {
        if (Files.isDirectory(from)) {
            Path inside = from.resolve(file.fileName());
            if (!Files.isRegularFile(inside)) {
                throw new UsageException("--from " + from + ": no " + file.fileName() + " in this directory; "
                        + source.name() + " needs " + names(source));
            }
            return inside;
        }
        if (!Files.isRegularFile(from)) {
            throw new UsageException("--from " + from + ": no such file or directory");
        }
        if (source.files().size() > 1) {
            throw new UsageException("--from " + from + ": " + source.name() + " has "
                    + source.files().size() + " files (" + names(source) + "); give the directory holding them");
        }
        return from;
    }

    private static String names(DatasetSource source) {
        return String.join(", ", source.files().stream().map(RemoteFile::fileName).toList());
    }

    private static void createDirectories(Path dir, Path target) throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (AccessDeniedException e) {
            throw OutputDirectory.denied(target, dir);
        }
    }
}
