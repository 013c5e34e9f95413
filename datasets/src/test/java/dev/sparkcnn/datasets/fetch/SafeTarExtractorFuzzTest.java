package dev.sparkcnn.datasets.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.Fuzzing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated {@code .tar.gz} archives through the fetch extractor: each extracts inside its target
 * directory or fails with an {@link dev.sparkcnn.datasets.InvalidDataException} naming the archive,
 * and nothing is ever written outside the target. A third of the inputs damage the gzip bytes, the
 * rest the tar bytes inside valid gzip (the headers the extractor judges).
 */
@Tag("fuzz")
@Timeout(600)
class SafeTarExtractorFuzzTest {
    @TempDir
    Path tmp;

    @Test
    void tarGz() throws IOException {
        byte[] tar = seedTar();
        byte[] archive = gzip(tar);
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path file = work.resolve("in.tar.gz");
        Fuzzing.run("tar.gz", 30, Fuzzing.INPUTS, List.of(file.toString()), rnd -> {
            byte[] bytes = rnd.nextInt(3) == 0 ? Fuzzing.mutate(archive, rnd, 20)
                    : gzip(Fuzzing.mutate(tar, rnd, 512));
            Files.write(file, bytes);
            Path into = Files.createDirectories(work.resolve("out"));
            try {
                int files = SafeTarExtractor.extract(file, into);
                assertTrue(files >= 1);
            } finally {
                assertEquals(Set.of("in.tar.gz", "out"), names(work), "nothing written beside the target");
                delete(into);
            }
        });
    }

    /** A CIFAR-like tar with fixed modification times, so every run mutates the same bytes. */
    private static byte[] seedTar() throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            add(tar, "cifar-10-batches-bin/", null);
            add(tar, "cifar-10-batches-bin/data_batch_1.bin", new byte[700]);
            add(tar, "cifar-10-batches-bin/batches.meta.txt", "cat\ndog\n".getBytes());
            add(tar, "cifar-10-batches-bin/sub/", null);
            add(tar, "cifar-10-batches-bin/sub/readme.txt", "x".repeat(300).getBytes());
            tar.finish();
        }
        return out.toByteArray();
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setModTime(1_700_000_000_000L);
        if (content != null) {
            e.setSize(content.length);
        }
        tar.putArchiveEntry(e);
        if (content != null) {
            tar.write(content);
        }
        tar.closeArchiveEntry();
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return Set.copyOf(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static byte[] gzip(byte[] raw) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
