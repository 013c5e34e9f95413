package dev.sparkcnn.datasets.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.sparkcnn.datasets.CifarFormat;
import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.datasets.SyntheticCifar;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code data fetch} against a local HTTP server serving generated archives: good, corrupt, cut short, malicious. */
class DatasetFetcherTest {
    private static final String ARCHIVE = "cifar-10-binary.tar.gz";

    @TempDir
    Path tmp;
    private FixtureServer server;
    private Path source;
    private byte[] archive;
    private final List<String> log = new ArrayList<>();

    @BeforeEach
    void serveACifarArchive() throws IOException {
        source = tmp.resolve("source");
        SyntheticCifar.write(source, 2, 10, 5, 7);
        archive = FixtureArchives.tarGzOf(source, CifarFormat.ARCHIVE_DIR);
        server = new FixtureServer();
        server.serve(ARCHIVE, archive);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void downloadsVerifiesAndExtractsADatasetThatReads() throws IOException {
        Path out = tmp.resolve("data/cifar10");
        fetcher(3).fetch(cifar(Checksums.md5(archive)), out, null, false);

        Path batches = out.resolve(CifarFormat.ARCHIVE_DIR);
        for (String name : List.of("data_batch_1.bin", "data_batch_2.bin", "test_batch.bin", "batches.meta.txt")) {
            assertArrayEquals(Files.readAllBytes(source.resolve(name)), Files.readAllBytes(batches.resolve(name)), name);
        }
        List<ImageRecord> records = new ArrayList<>();
        try (InputStream in = Files.newInputStream(batches.resolve("data_batch_2.bin"))) {
            CifarFormat.read(in, "data_batch_2.bin", 0, 10, 10, records::add);
        }
        assertEquals(10, records.size());
        assertEquals(List.of("cifar10"), siblings(out), "no staging, download or part files left behind");
        assertEquals(List.of(""), server.ranges, "one plain request");
        assertTrue(log.stream().anyMatch(l -> l.matches("  \\d+% \\(\\d+\\.\\d of \\d+\\.\\d MB\\)")), log.toString());
    }

    @Test
    void checksumMismatchDeletesThePartAndNamesUrlAndBothSums() {
        Path out = tmp.resolve("data/cifar10");
        String wrong = "0123456789abcdef0123456789abcdef";
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> fetcher(3).fetch(cifar(wrong), out, null, false));
        assertTrue(e.getMessage().contains(server.baseUrl() + ARCHIVE), e.getMessage());
        assertTrue(e.getMessage().contains("expected MD5 " + wrong), e.getMessage());
        assertTrue(e.getMessage().contains("got " + Checksums.md5(archive)), e.getMessage());
        assertFalse(Files.exists(out));
        assertEquals(List.of(), siblings(out), "no part file, no empty download directory");
    }

    @Test
    void aConnectionDroppedMidBodyIsResumedWithARangeRequest() {
        Path out = tmp.resolve("cifar10");
        server.breakAfter = archive.length / 3;
        fetcher(3).fetch(cifar(Checksums.md5(archive)), out, null, false); // checks the archive's MD5
        assertEquals(2, server.ranges.size(), server.ranges.toString());
        assertEquals("", server.ranges.get(0), "the first request is a plain one");
        // the resume starts where the received bytes end: at most where the server broke off (bytes
        // still in flight when the connection drops are lost, so it can be less), never at 0
        java.util.regex.Matcher range = java.util.regex.Pattern.compile("bytes=(\\d+)-").matcher(server.ranges.get(1));
        assertTrue(range.matches(), server.ranges.get(1));
        long from = Long.parseLong(range.group(1));
        assertTrue(from > 0 && from <= archive.length / 3, "resumed from byte " + from);
        assertTrue(Files.isRegularFile(out.resolve(CifarFormat.ARCHIVE_DIR).resolve("test_batch.bin")));
    }

    @Test
    void aTruncatedDownloadIsKeptAndTheNextRunResumesIt() throws IOException {
        Path out = tmp.resolve("cifar10");
        server.breakAfter = 1000;
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> fetcher(1).fetch(cifar(Checksums.md5(archive)), out, null, false));
        assertTrue(e.getMessage().contains("run the same command again to resume"), e.getMessage());
        Path part = out.resolveSibling(".cifar10.download").resolve(ARCHIVE + ".part");
        assertEquals(1000, Files.size(part));
        assertFalse(Files.exists(out));

        fetcher(1).fetch(cifar(Checksums.md5(archive)), out, null, false);
        assertEquals(List.of("", "bytes=1000-"), server.ranges);
        assertTrue(Files.isRegularFile(out.resolve(CifarFormat.ARCHIVE_DIR).resolve("data_batch_1.bin")));
    }

    @Test
    void aServerIgnoringRangeMakesTheDownloadStartOver() throws IOException {
        Path out = tmp.resolve("cifar10");
        Path part = Files.createDirectories(tmp.resolve(".cifar10.download")).resolve(ARCHIVE + ".part");
        Files.write(part, new byte[] {1, 2, 3, 4, 5}); // wrong bytes: appending to them would fail the checksum
        server.mode = FixtureServer.Mode.IGNORE_RANGE;
        fetcher(1).fetch(cifar(Checksums.md5(archive)), out, null, false);
        assertEquals(List.of("bytes=5-"), server.ranges);
        assertTrue(log.stream().anyMatch(l -> l.contains("ignored the range")), log.toString());
        assertTrue(Files.isRegularFile(out.resolve(CifarFormat.ARCHIVE_DIR).resolve("data_batch_1.bin")));
    }

    @Test
    void refusesEntriesThatEscapeOrLink() {
        assertRefused(FixtureArchives.file("../evil", 3), "'../evil'", "'..'");
        assertRefused(FixtureArchives.file("good/../../evil", 3), "'good/../../evil'", "'..'");
        assertRefused(FixtureArchives.file("/tmp/evil", 3), "'/tmp/evil'", "absolute");
        assertRefused(FixtureArchives.link("good/passwd", TarConstants.LF_SYMLINK, "/etc/passwd"), "'good/passwd'",
                "symbolic link to '/etc/passwd'");
        assertRefused(FixtureArchives.link("good/hard", TarConstants.LF_LINK, "good/a.txt"), "'good/hard'",
                "hard link");
        assertRefused(FixtureArchives.link("good/fifo", TarConstants.LF_FIFO, ""), "'good/fifo'", "device or FIFO");
        assertRefused(FixtureArchives.link("good/tty", TarConstants.LF_CHR, ""), "'good/tty'", "device or FIFO");
    }

    private void assertRefused(TarArchiveEntry bad, String... expected) {
        byte[] evil = FixtureArchives.withEntry(bad);
        server.serve("evil.tar.gz", evil);
        Path out = tmp.resolve("x/evil");
        DatasetSource s = new DatasetSource("evil", server.baseUrl(), List.of(new RemoteFile("evil.tar.gz",
                Checksums.md5(evil))), true);
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> fetcher(1).fetch(s, out, null, false));
        for (String part : expected) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(tmp.resolve("x/evil/../../evil")));
        assertFalse(Files.exists(tmp.resolve("evil")));
        assertEquals(List.of(), siblings(out), "staging, archive and download directory are removed");
    }

    @Test
    void takesAVerifiedLocalCopyWithoutTheNetwork() throws IOException {
        Path copy = Files.write(tmp.resolve(ARCHIVE), archive);
        Path out = tmp.resolve("offline");
        DatasetSource unreachable = new DatasetSource("cifar10", "http://127.0.0.1:" + closedPort() + "/",
                List.of(new RemoteFile(ARCHIVE, Checksums.md5(archive))), true);
        fetcher(1).fetch(unreachable, out, copy, false);
        assertTrue(Files.isRegularFile(out.resolve(CifarFormat.ARCHIVE_DIR).resolve("data_batch_2.bin")));

        Files.write(copy, Arrays.copyOf(archive, archive.length - 1));
        Path again = tmp.resolve("offline2");
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> fetcher(1).fetch(unreachable, again, copy, false));
        assertTrue(e.getMessage().contains("checksum mismatch for " + copy), e.getMessage());
        assertTrue(Files.exists(copy), "a user's own file is never deleted");
        assertFalse(Files.exists(again));
    }

    @Test
    void copiesMultiFileDatasetsFromADirectory() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("idx"));
        byte[] a = {1, 2, 3};
        byte[] b = {4, 5};
        Files.write(dir.resolve("a.gz"), a);
        Files.write(dir.resolve("b.gz"), b);
        DatasetSource s = new DatasetSource("two", server.baseUrl(), List.of(
                new RemoteFile("a.gz", Checksums.md5(a)), new RemoteFile("b.gz", Checksums.md5(b))), false);
        Path out = tmp.resolve("two");
        fetcher(1).fetch(s, out, dir, false);
        assertArrayEquals(b, Files.readAllBytes(out.resolve("b.gz")));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fetcher(1).fetch(s, tmp.resolve("two2"), dir.resolve("a.gz"), false));
        assertTrue(e.getMessage().contains("give the directory holding them"), e.getMessage());
    }

    @Test
    void aFailedFileKeepsTheVerifiedOnesForTheNextRun() {
        byte[] a = {1, 2, 3};
        byte[] b = {4, 5};
        server.serve("a.gz", a);
        DatasetSource s = new DatasetSource("two", server.baseUrl(), List.of(
                new RemoteFile("a.gz", Checksums.md5(a)), new RemoteFile("b.gz", Checksums.md5(b))), false);
        Path out = tmp.resolve("two");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> fetcher(1).fetch(s, out, null, false));
        assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        assertFalse(Files.exists(out));
        assertEquals(List.of("a.gz"), list(tmp.resolve(".two.download")));

        server.serve("b.gz", b);
        server.ranges.clear();
        fetcher(1).fetch(s, out, null, false);
        assertEquals(List.of(""), server.ranges, "only b.gz is requested again");
        assertTrue(log.stream().anyMatch(l -> l.contains("a.gz (verified earlier)")), log.toString());
        assertEquals(List.of(OutputDirectory.MARKER, "a.gz", "b.gz"), list(out));
    }

    @Test
    void networkUnavailableSuggestsFrom() throws IOException {
        DatasetSource s = new DatasetSource("cifar10", "http://127.0.0.1:" + closedPort() + "/",
                List.of(new RemoteFile(ARCHIVE, Checksums.md5(archive))), true);
        Path out = tmp.resolve("cifar10");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> fetcher(3).fetch(s, out, null, false));
        assertTrue(e.getMessage().contains("cannot connect to 127.0.0.1"), e.getMessage());
        assertTrue(e.getMessage().contains("sparkcnn data fetch cifar10 --from " + ARCHIVE + " --out " + out),
                e.getMessage());
        assertFalse(Files.exists(out));
        assertEquals(List.of("source"), siblings(out), "nothing left behind");
    }

    @Test
    void refusesANonEmptyOutputUnlessOverwrite() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("cifar10"));
        Files.writeString(out.resolve("keep.txt"), "precious");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fetcher(1).fetch(cifar(Checksums.md5(archive)), out, null, false));
        assertTrue(e.getMessage().contains("already exists and is not empty"), e.getMessage());
        assertEquals("precious", Files.readString(out.resolve("keep.txt")));

        // --overwrite replaces only a directory a fetch wrote: this one is someone else's
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                () -> fetcher(1).fetch(cifar(Checksums.md5(archive)), out, null, true));
        assertTrue(foreign.getMessage().contains(out.toString()) && foreign.getMessage().contains("not written by "
                + "data fetch"), foreign.getMessage());
        assertEquals("precious", Files.readString(out.resolve("keep.txt")));

        Files.delete(out.resolve("keep.txt"));
        fetcher(1).fetch(cifar(Checksums.md5(archive)), out, null, false);
        Files.writeString(out.resolve("stale.txt"), "left from the last fetch");
        fetcher(1).fetch(cifar(Checksums.md5(archive)), out, null, true);
        assertFalse(Files.exists(out.resolve("stale.txt")));
        assertTrue(Files.isRegularFile(out.resolve(OutputDirectory.MARKER)));
        assertTrue(Files.isRegularFile(out.resolve(CifarFormat.ARCHIVE_DIR).resolve("data_batch_1.bin")));
        assertEquals(List.of("cifar10", "source"), siblings(out), "the old directory is deleted");
    }

    @Test
    void anUnwritableOutputParentIsPermissionDenied() throws IOException {
        assumeFalse("root".equals(System.getProperty("user.name")), "root may write anywhere: nothing to deny");
        Path locked = Files.createDirectories(tmp.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> fetcher(1).fetch(cifar(Checksums.md5(archive)), locked.resolve("cifar10"), null, false));
            assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
            assertEquals(List.of(), server.ranges, "nothing downloaded");
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private DatasetFetcher fetcher(int attempts) {
        return new DatasetFetcher(new HttpDownloader(attempts, Duration.ofMillis(10)), log::add);
    }

    private DatasetSource cifar(String md5) {
        return new DatasetSource("cifar10", server.baseUrl(), List.of(new RemoteFile(ARCHIVE, md5)), true);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Names in the directory that holds {@code out}, sorted. */
    private static List<String> siblings(Path out) {
        return list(out.getParent());
    }

    private static List<String> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
