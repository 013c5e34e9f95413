package dev.sparkcnn.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.fetch.Catalogue;
import dev.sparkcnn.datasets.fetch.Checksums;
import dev.sparkcnn.datasets.fetch.DatasetSource;
import dev.sparkcnn.datasets.fetch.RemoteFile;
import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.TestData;
import dev.sparkcnn.driver.data.DatasetLocator;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.data.LocatedDataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code data fetch} through the command line: the result is what {@code train --data} reads,
 * bad input exits 2, a missing network exits 1 and points at {@code --from}. (Downloads,
 * resumption and malicious archives are tested against a local server in datasets' DatasetFetcherTest.)
 */
class DataFetchCliTest {
    private static final String ARCHIVE = "cifar-10-binary.tar.gz";

    @TempDir
    Path tmp;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void aFetchedArchiveIsATrainableDataDirectory() throws IOException {
        Path archive = cifarArchive();
        Catalogue fixtures = new Catalogue(List.of(new DatasetSource("cifar10", "http://127.0.0.1:9/",
                List.of(new RemoteFile(ARCHIVE, Checksums.md5(Files.readAllBytes(archive)))), true)));
        Path data = tmp.resolve("data/cifar10");
        int code = run(new DataFetchCommand(fixtures), "cifar10", "--from", archive.toString(), "--out", data.toString());
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("wrote cifar10 to " + data), out.toString());

        LocatedDataset d = new DatasetLocator(new HadoopConf(new Configuration())).locate(data.toString(), null);
        assertEquals("cifar10", d.format());
        assertEquals(2 * 15, d.trainRecords());
        assertEquals(6, d.testRecords());
    }

    @Test
    void theFixtureFailsThePublishedChecksum() throws IOException {
        Path archive = cifarArchive();
        Path data = tmp.resolve("cifar10");
        int code = Main.run(new String[] {"data", "fetch", "cifar10", "--from", archive.toString(), "--out",
                data.toString()}, new PrintStream(out), new PrintStream(err));
        assertEquals(2, code);
        assertTrue(err.toString().contains("checksum mismatch for " + archive), err.toString());
        assertTrue(err.toString().contains("expected MD5 c32a1d4ab5d03f1284b67883e8d87530"), err.toString());
        assertFalse(Files.exists(data));
    }

    @Test
    void noNetworkExitsOneAndSuggestsFrom() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = tmp.resolve("cifar10");
        int code = Main.run(new String[] {"data", "fetch", "cifar10", "--mirror", "http://127.0.0.1:" + port + "/",
                "--out", data.toString()}, new PrintStream(out), new PrintStream(err));
        assertEquals(1, code);
        assertTrue(err.toString().contains("--from cifar-10-binary.tar.gz --out " + data), err.toString());
        assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);

        err.reset();
        code = Main.run(new String[] {"data", "fetch", "mnist", "--mirror", "http://sparkcnn.invalid/", "--out",
                data.toString()}, new PrintStream(out), new PrintStream(err));
        assertEquals(1, code, err.toString());
        assertTrue(err.toString().contains("cannot connect to sparkcnn.invalid (the host name does not resolve)"),
                err.toString());
        assertTrue(err.toString().contains("--from DIR --out " + data), err.toString());
    }

    @Test
    void unknownDatasetAndBadMirrorExitTwo() {
        assertEquals(2, Main.run(new String[] {"data", "fetch", "imagenet", "--out", tmp.resolve("x").toString()},
                new PrintStream(out), new PrintStream(err)));
        assertTrue(err.toString().contains("unknown dataset 'imagenet'; use one of cifar10, cifar100, mnist, "
                + "fashion-mnist"), err.toString());
        assertEquals(2, Main.run(new String[] {"data", "fetch", "mnist", "--mirror", "ftp://x/", "--out",
                tmp.resolve("x").toString()}, new PrintStream(out), new PrintStream(err)));
        assertTrue(err.toString().contains("--mirror ftp://x/: must be an http:// or https:// URL"), err.toString());
    }

    private int run(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setExecutionExceptionHandler((e, c, p) -> Failures.report(e, new PrintStream(err)));
        return cl.execute(args);
    }

    /** A CIFAR-10-layout archive like the official one: everything under cifar-10-batches-bin/. */
    private Path cifarArchive() throws IOException {
        Path src = TestData.cifar(tmp.resolve("src"), 2, 15, 6);
        Path archive = tmp.resolve(ARCHIVE);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(
                Files.newOutputStream(archive)))) {
            try (var files = Files.list(src)) {
                for (Path f : files.sorted().toList()) {
                    TarArchiveEntry e = new TarArchiveEntry("cifar-10-batches-bin/" + f.getFileName());
                    e.setSize(Files.size(f));
                    tar.putArchiveEntry(e);
                    tar.write(Files.readAllBytes(f));
                    tar.closeArchiveEntry();
                }
            }
        }
        return archive;
    }
}
