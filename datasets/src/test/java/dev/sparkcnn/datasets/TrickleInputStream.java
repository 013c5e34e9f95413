package dev.sparkcnn.datasets;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

/**
 * A stream that returns at most a few bytes per read and skips less than asked, like a network
 * stream: readers must loop, not assume one call fills a buffer. Extends {@link InputStream}
 * directly so {@code readNBytes}/{@code skipNBytes} use the JDK's general looping versions.
 */
final class TrickleInputStream extends InputStream {
    private final ByteArrayInputStream data;
    private final int maxChunk;

    TrickleInputStream(byte[] data, int maxChunk) {
        this.data = new ByteArrayInputStream(data);
        this.maxChunk = maxChunk;
    }

    @Override
    public int read() {
        return data.read();
    }

    @Override
    public int read(byte[] b, int off, int len) {
        return data.read(b, off, Math.min(len, maxChunk));
    }

    @Override
    public long skip(long n) {
        return data.skip(Math.min(n, maxChunk));
    }
}
