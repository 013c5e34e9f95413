package dev.sparkcnn.kernels.sync;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Test helper: records what {@link Admissions} reports instead of logging it. */
final class Refusals implements Admissions.Reporter {
    private final List<String> entries = new ArrayList<>();

    @Override
    public synchronized void refused(String server, SocketAddress peer, String reason) {
        entries.add(peer + " " + reason);
        notifyAll();
    }

    /** The reason reported for {@code peer}, waiting up to {@code millis}; null if none. */
    synchronized String of(SocketAddress peer, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (true) {
            for (String e : entries) {
                if (e.startsWith(peer + " ")) {
                    return e.substring(peer.toString().length() + 1);
                }
            }
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return null;
            }
            wait(left);
        }
    }

    @Override
    public synchronized String toString() {
        return String.join("\n", entries);
    }
}
