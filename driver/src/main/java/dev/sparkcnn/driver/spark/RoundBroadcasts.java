package dev.sparkcnn.driver.spark;

import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * One broadcast per round, destroyed two rounds later. Destroying a round's broadcast as soon as
 * its results are in races with the tasks' completion listeners, which release their read locks
 * on the block after sending results ("Block broadcast_N does not exist" errors in the log); one
 * extra round of lifetime removes the race while keeping at most two states alive.
 */
public final class RoundBroadcasts<T> {
    private static final int KEEP = 2;
    private final JavaSparkContext sc;
    private final Deque<Broadcast<T>> live = new ArrayDeque<>();

    public RoundBroadcasts(JavaSparkContext sc) {
        this.sc = sc;
    }

    /** Broadcasts this round's value and retires the oldest one still alive. */
    public Broadcast<T> next(T value) {
        Broadcast<T> b = sc.broadcast(value);
        live.addLast(b);
        while (live.size() > KEEP) {
            live.removeFirst().destroy();
        }
        return b;
    }

    /**
     * Forgets the broadcasts still alive without destroying them (the last round's tasks may
     * still hold them); Spark's ContextCleaner removes them once unreferenced.
     */
    public void release() {
        live.clear();
    }
}
