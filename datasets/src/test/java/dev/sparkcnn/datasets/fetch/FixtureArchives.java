package dev.sparkcnn.datasets.fetch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds tar.gz fixture archives in memory: well-formed ones from a directory, and malicious ones. */
final class FixtureArchives {
    private FixtureArchives() {
    }

    /** A tar.gz of every file under {@code dir}, named {@code prefix/<relative path>}, like the CIFAR archives. */
    static byte[] tarGzOf(Path dir, String prefix) {
        Map<String, byte[]> files = new TreeMap<>();
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(prefix + "/" + dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tarGz(tar -> {
            add(tar, directory(prefix + "/"), null);
            files.forEach((name, bytes) -> add(tar, file(name, bytes.length), bytes));
        });
    }

    /** A tar.gz with one good file followed by {@code bad}. */
    static byte[] withEntry(TarArchiveEntry bad) {
        return tarGz(tar -> {
            add(tar, file("good/a.txt", 2), new byte[] {'o', 'k'});
            add(tar, bad, bad.isFile() ? new byte[(int) bad.getSize()] : null);
        });
    }

    static TarArchiveEntry file(String name, long size) {
        TarArchiveEntry e = new TarArchiveEntry(name, true); // true: keep a leading '/' as written
        e.setSize(size);
        return e;
    }

    static TarArchiveEntry directory(String name) {
        return new TarArchiveEntry(name, true);
    }

    static TarArchiveEntry link(String name, byte type, String linkName) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setLinkName(linkName);
        return e;
    }

    private static byte[] tarGz(Consumer<TarArchiveOutputStream> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            entries.accept(tar);
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void add(TarArchiveOutputStream tar, TarArchiveEntry entry, byte[] content) {
        try {
            tar.putArchiveEntry(entry);
            if (content != null) {
                tar.write(content);
            }
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
