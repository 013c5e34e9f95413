package dev.sparkcnn.datasets.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Downloads one URL into a {@code .part} file that survives failures, so a later attempt (in this
 * run or the next) continues where the last one stopped with an HTTP {@code Range} request. A
 * server that ignores the range and answers 200 gets the file from the start again. A connection
 * that breaks off mid-body is retried a few times; a server that cannot be reached at all is not
 * (that is a missing network, and the caller suggests an offline remedy).
 *
 * <p>This class only moves bytes: whether they are the right bytes is the checksum's business.
 */
public final class HttpDownloader {
    /** A transfer that receives fewer than this many bytes in one stall window has stalled. */
    static final long MIN_PROGRESS = 1024;
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient client;
    private final int maxAttempts;
    private final Duration retryDelay;
    private final Duration stallTimeout;

    /**
     * @param maxAttempts transfers tried per download before giving up, {@code >= 1}
     * @param retryDelay  wait before the second attempt; doubled for each further one
     */
    public HttpDownloader(int maxAttempts, Duration retryDelay) {
        this(maxAttempts, retryDelay, STALL_TIMEOUT);
    }

    /**
     * @param stallTimeout a transfer that receives fewer than {@value #MIN_PROGRESS} bytes in this
     *                     long (a server that sent its headers and stopped, or trickles) is broken
     *                     off and resumed like a dropped connection; the headers must arrive within
     *                     twice this long
     */
    public HttpDownloader(int maxAttempts, Duration retryDelay, Duration stallTimeout) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("stallTimeout must be positive, got " + stallTimeout);
        }
        this.maxAttempts = maxAttempts;
        this.retryDelay = retryDelay;
        this.stallTimeout = stallTimeout;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** Three attempts, 2 s apart at first: enough for a dropped connection, not for an outage. */
    public static HttpDownloader standard() {
        return new HttpDownloader(3, Duration.ofSeconds(2));
    }

    /** The server cannot be reached: no route, refused, unknown host, connect timeout. */
    public static final class UnreachableException extends IOException {
        private static final long serialVersionUID = 1L;

        UnreachableException(String message) {
            super(message);
        }
    }

    /**
     * Fetches {@code url} into {@code part}, continuing from the bytes {@code part} already holds.
     * Returns when the server has sent the rest of the file.
     *
     * @throws UnreachableException if no connection could be made (never retried)
     * @throws IOException          if the transfer still breaks off after the last attempt (the bytes
     *                              received stay in {@code part} for the next run), or the server
     *                              answers with an error status
     */
    public void download(URI url, Path part, Consumer<String> log) throws IOException {
        download(url, part, Long.MAX_VALUE, log);
    }

    /**
     * As {@link #download(URI, Path, Consumer)}, refusing a file larger than {@code maxBytes}: by its
     * declared length before any byte is written, or as soon as more arrive.
     *
     * @throws RefusedException when the file is too large or {@code part} is a symbolic link (never retried)
     */
    public void download(URI url, Path part, long maxBytes, Consumer<String> log) throws IOException {
        PartFile.check(part);
        for (int attempt = 1; ; attempt++) {
            long before = PartFile.size(part);
            try {
                transfer(url, part, before, maxBytes, log);
                return;
            } catch (UnreachableException | HttpStatusException | RefusedException e) {
                throw e;
            } catch (IOException e) {
                if (attempt >= maxAttempts) {
                    throw new IOException("transfer broke off after " + attempt + " attempt(s), "
                            + PartFile.size(part)
                            + " bytes received so far: " + describe(e), e);
                }
                log.accept("transfer of " + url + " broke off at byte " + PartFile.size(part) + " (" + describe(e)
                        + "); resuming");
                pause(retryDelay.multipliedBy(1L << (attempt - 1)));
            }
        }
    }

    /** The download is refused: larger than its cap, or its part file is a symbolic link. */
    public static final class RefusedException extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }

    /** The server answered, but not with the file. */
    public static final class HttpStatusException extends IOException {
        private static final long serialVersionUID = 1L;

        HttpStatusException(String message) {
            super(message);
        }
    }

    private void transfer(URI url, Path part, long have, long maxBytes, Consumer<String> log) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(stallTimeout.multipliedBy(2)).GET();
        if (have > 0) {
            request.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> response = send(url, request.build());
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            boolean append;
            if (status == 206 && have > 0) {
                String range = response.headers().firstValue("Content-Range").orElse("");
                if (!range.startsWith("bytes " + have + "-")) {
                    throw new HttpStatusException(url + ": asked for bytes from " + have + " but the server sent "
                            + "Content-Range '" + range + "'");
                }
                append = true;
                log.accept("resuming " + url + " at byte " + have);
            } else if (status == 416 && have > 0) {
                // nothing left to send: the part is complete (or longer than the file; the checksum will say)
                return;
            } else if (status == 200) {
                append = false;
                log.accept(have > 0 ? "the server ignored the range request; downloading " + url + " from the start"
                        : "downloading " + url + response.headers().firstValueAsLong("Content-Length")
                                .stream().mapToObj(n -> " (" + n + " bytes)").findFirst().orElse(""));
            } else {
                throw new HttpStatusException(url + ": the server answered HTTP " + status
                        + (status == 404 ? " (not found)" : "") + " instead of the file");
            }
            long start = append ? have : 0;
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (length >= 0 && start + length > maxBytes) {
                throw new RefusedException(url + ": the server announces " + (start + length) + " bytes, more than "
                        + "the " + maxBytes + " this file may have; refusing it (wrong --mirror?)");
            }
            try (OutputStream out = PartFile.open(part, append);
                 StallWatch watch = new StallWatch(body, stallTimeout, MIN_PROGRESS)) {
                copy(body, out, start, length < 0 ? -1 : start + length, maxBytes, watch, url, log);
            }
        }
    }

    /** Copies the body, reporting progress every 10% (or every 32 MB when the length is unknown). */
    private static void copy(InputStream body, OutputStream out, long start, long total, long maxBytes,
                             StallWatch watch, URI url, Consumer<String> log) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long step = total > 0 ? Math.max(1, total / 10) : 32L << 20;
        long done = start;
        long next = (done / step + 1) * step;
        for (int n = watch.read(buffer); n >= 0; n = watch.read(buffer)) {
            if (done + n > maxBytes) {
                throw new RefusedException(url + ": the server sent more than the " + maxBytes + " bytes this file "
                        + "may have; refusing it (wrong --mirror?)");
            }
            out.write(buffer, 0, n);
            done += n;
            if (done >= next && (total <= 0 || done < total)) {
                log.accept(total > 0 ? String.format(Locale.ROOT, "  %d%% (%.1f of %.1f MB)", done * 100 / total,
                        done / 1e6, total / 1e6) : String.format(Locale.ROOT, "  %.1f MB", done / 1e6));
                next = (done / step + 1) * step;
            }
        }
        if (total > 0 && done < total) {
            throw new IOException("the connection closed after " + done + " of " + total + " bytes");
        }
    }

    private HttpResponse<InputStream> send(URI url, HttpRequest request) throws IOException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            // no cause: the JDK's (UnresolvedAddressException) is an IllegalArgumentException without a
            // message, which would pass for a usage error; the message here says all there is
            throw new UnreachableException("cannot connect to " + url.getHost()
                    + (url.getPort() > 0 ? ":" + url.getPort() : "") + " (" + reason(e) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while requesting " + url);
        }
    }

    private static void pause(Duration d) throws InterruptedIOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to resume");
        }
    }

    private static String reason(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "the host name does not resolve";
            }
        }
        return describe(e);
    }

    /** The message of an exception or, when it has none (ConnectException often has none), its cause's. */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
            if (t.getCause() == null) {
                return t.getClass().getSimpleName();
            }
        }
        return e.getClass().getSimpleName();
    }
}
