package dev.sparkcnn.datasets.fetch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local HTTP server (127.0.0.1, free port) serving fixture files the way real servers behave
 * and misbehave: honouring {@code Range}, ignoring it, or breaking the connection after some bytes.
 */
final class FixtureServer implements AutoCloseable {
    enum Mode { NORMAL, IGNORE_RANGE }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    /** The Range header of every request, "" when there was none. */
    final List<String> ranges = new CopyOnWriteArrayList<>();
    volatile Mode mode = Mode.NORMAL;
    /** When >= 0, the next response sends only this many body bytes and then drops the connection. */
    volatile long breakAfter = -1;

    FixtureServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    void serve(String name, byte[] content) {
        files.put(name, content);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/data/";
    }

    private void handle(HttpExchange exchange) throws IOException {
        String range = exchange.getRequestHeaders().getFirst("Range");
        ranges.add(range == null ? "" : range);
        String name = exchange.getRequestURI().getPath().substring("/data/".length());
        byte[] content = files.get(name);
        if (content == null) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        int from = 0;
        Matcher m = range == null ? null : RANGE.matcher(range);
        if (m != null && m.matches() && mode == Mode.NORMAL) {
            from = Integer.parseInt(m.group(1));
            if (from >= content.length) {
                exchange.getResponseHeaders().set("Content-Range", "bytes */" + content.length);
                exchange.sendResponseHeaders(416, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().set("Content-Range",
                    "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
            exchange.sendResponseHeaders(206, content.length - from);
        } else {
            exchange.sendResponseHeaders(200, content.length);
        }
        OutputStream body = exchange.getResponseBody();
        long cut = breakAfter;
        if (cut >= 0) {
            breakAfter = -1;
            body.write(content, from, (int) Math.min(cut, content.length - from));
            body.flush();
            // an exception from a handler makes the server drop the connection mid-body
            throw new IOException("fixture server: breaking the connection after " + cut + " bytes");
        }
        body.write(content, from, content.length - from);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
