package dev.sparkcnn.datasets.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Detects a stalled transfer: a body that delivers fewer than {@code minProgress} bytes within
 * {@code window} (a server that sends its headers and then nothing, or trickles) is closed from a
 * watchdog thread, which wakes the blocked read, and the read then fails with a message saying it
 * stalled. The HTTP client's request time-out covers only the headers; this bounds the body.
 */
final class StallWatch implements AutoCloseable {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "download-stall-watch");
        t.setDaemon(true);
        return t;
    });

    private final InputStream body;
    private final Duration window;
    private final long minProgress;
    private final AtomicLong received = new AtomicLong();
    private volatile ScheduledFuture<?> task;
    private volatile boolean stalled;
    private long windowStart = System.nanoTime();
    private long receivedAtWindowStart;

    StallWatch(InputStream body, Duration window, long minProgress) {
        this.body = body;
        this.window = window;
        this.minProgress = minProgress;
        long tick = Math.max(10, window.toMillis() / 4);
        this.task = TIMER.scheduleAtFixedRate(this::check, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** Reads from the body; fails with a clear message when the watchdog found the transfer stalled. */
    int read(byte[] buffer) throws IOException {
        int n;
        try {
            n = body.read(buffer);
        } catch (IOException e) {
            throw stalled ? stalledException() : e;
        }
        if (stalled) {
            throw stalledException();
        }
        if (n > 0) {
            received.addAndGet(n);
        }
        return n;
    }

    private IOException stalledException() {
        return new IOException("the transfer stalled: fewer than " + minProgress + " bytes in " + window.toMillis()
                + " ms");
    }

    private synchronized void check() {
        long now = System.nanoTime();
        if (now - windowStart < window.toNanos()) {
            return;
        }
        long got = received.get();
        if (got - receivedAtWindowStart < minProgress) {
            stalled = true;
            if (task != null) {
                task.cancel(false);
            }
            try {
                body.close();
            } catch (IOException e) {
                // the read wakes up with its own exception, reported as the stall
            }
            return;
        }
        windowStart = now;
        receivedAtWindowStart = got;
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
