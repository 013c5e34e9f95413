package dev.sparkcnn.datasets.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.InvalidDataException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stalled and trickling servers, oversized files and planted links: every download ends, bounded. */
class DownloadLimitsTest {
    @TempDir
    Path tmp;
    private final List<String> log = new ArrayList<>();
    private final List<AutoCloseable> servers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable s : servers) {
            s.close();
        }
    }

    @Test
    void aServerThatSendsHeadersThenStallsFailsWithinABoundedTime() throws Exception {
        URI url = rawServer(out -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" + "x".repeat(100))
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            sleep(60_000);
        });
        HttpDownloader downloader = new HttpDownloader(2, Duration.ofMillis(10), Duration.ofMillis(500));
        Path part = tmp.resolve("f.part");
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(IOException.class, () -> downloader.download(url, part, log::add)));
        assertTrue(e.getMessage().contains("stalled"), e.getMessage());
        assertTrue(Files.size(part) >= 100, "the bytes received are kept for a resume");
    }

    @Test
    void aTricklingServerCountsAsStalled() throws Exception {
        URI url = rawServer(out -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 600; i++) {
                out.write('x');
                out.flush();
                sleep(100);
            }
        });
        HttpDownloader downloader = new HttpDownloader(1, Duration.ofMillis(10), Duration.ofMillis(500));
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(IOException.class, () -> downloader.download(url, tmp.resolve("f.part"), log::add)));
        assertTrue(e.getMessage().contains("stalled"), e.getMessage());
    }

    @Test
    void aFileAnnouncedLargerThanItsCapIsRefusedBeforeAnyByteIsWritten() throws Exception {
        FixtureServer server = new FixtureServer();
        servers.add(server);
        byte[] content = new byte[5000];
        server.serve("big.gz", content);
        DatasetSource source = new DatasetSource("big", server.baseUrl(),
                List.of(new RemoteFile("big.gz", Checksums.md5(content), 1000)), false);
        Path out = tmp.resolve("big");
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> fetcher().fetch(source, out, null,
                false));
        assertTrue(e.getMessage().contains("5000") && e.getMessage().contains("1000"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve(".big.download/big.gz.part")));
    }

    @Test
    void aFileSentLargerThanItsCapWithoutALengthIsCutOff() throws Exception {
        URI url = rawServer(out -> {
            out.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 100; i++) {
                out.write(new byte[1000]);
            }
            out.flush();
        });
        HttpDownloader downloader = new HttpDownloader(3, Duration.ofMillis(10), Duration.ofSeconds(5));
        HttpDownloader.RefusedException e = assertThrows(HttpDownloader.RefusedException.class,
                () -> downloader.download(url, tmp.resolve("f.part"), 10_000, log::add));
        assertTrue(e.getMessage().contains("10000"), e.getMessage());
    }

    @Test
    void aPartFilePlantedAsALinkIsRefusedAndItsTargetUntouched() throws Exception {
        FixtureServer server = new FixtureServer();
        servers.add(server);
        byte[] content = "the real file".getBytes(StandardCharsets.UTF_8);
        server.serve("a.gz", content);
        Path victim = Files.writeString(tmp.resolve("victim.txt"), "precious");
        Path downloads = Files.createDirectories(tmp.resolve(".ds.download"));
        Files.createSymbolicLink(downloads.resolve("a.gz.part"), victim);
        DatasetSource source = new DatasetSource("ds", server.baseUrl(),
                List.of(new RemoteFile("a.gz", Checksums.md5(content))), false);
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> fetcher().fetch(source, tmp.resolve("ds"), null, false));
        assertTrue(e.getMessage().contains("symbolic link") && e.getMessage().contains("a.gz.part"), e.getMessage());
        assertArrayEquals("precious".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(victim));
    }

    private DatasetFetcher fetcher() {
        return new DatasetFetcher(new HttpDownloader(1, Duration.ofMillis(10), Duration.ofSeconds(5)), log::add);
    }

    private interface Script {
        void respond(OutputStream out) throws IOException;
    }

    /** An HTTP server on 127.0.0.1 that answers every request with {@code script}. */
    private URI rawServer(Script script) throws IOException {
        ServerSocket socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        servers.add(socket);
        Thread t = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    Thread c = new Thread(() -> {
                        try (s) {
                            s.getInputStream().read(new byte[8192]);
                            script.respond(s.getOutputStream());
                        } catch (IOException e) {
                            // the client went away
                        }
                    }, "raw-http-connection");
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) {
                    // the test is over
                }
            }
        }, "raw-http");
        t.setDaemon(true);
        t.start();
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/f");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
