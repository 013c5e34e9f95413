package dev.sparkcnn.driver.spark;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a driver whose Spark application was stopped from outside (a standalone master that gave up
 * on it, a refused authentication, a cluster manager that killed it) if the job does not finish
 * by itself within a grace period: Spark can leave the driver's main thread blocked after such a
 * stop (seen in the cluster test: a submission without the secret was refused, the context
 * stopped while the first round's broadcast was being stored, and the process never exited).
 * A stop through {@link #stop()} is the job's own and is not watched.
 */
public final class StopWatchdog extends SparkListener {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sparkcnn");

    /** How long the job gets to fail by itself after an outside stop. */
    public static final Duration GRACE = Duration.ofSeconds(30);

    private final JavaSparkContext sc;
    private final Duration grace;
    private final Runnable exit;
    private final AtomicBoolean ownStop = new AtomicBoolean();
    private final AtomicBoolean fired = new AtomicBoolean();

    private StopWatchdog(JavaSparkContext sc, Duration grace, Runnable exit) {
        this.sc = sc;
        this.grace = grace;
        this.exit = exit;
    }

    /**
     * What ends the process after an outside stop; null (the default, and always in a program that
     * embeds this library, such as the Spark ML path) means the process is never ended: the thread
     * that started the watch is interrupted instead. Only the command line's {@code Main} sets one.
     */
    private static volatile Runnable processExit;

    /** Lets the watchdog end the process with {@code exit} (the command line's {@code Main} only). */
    public static void endProcessWith(Runnable exit) {
        processExit = exit;
    }

    /**
     * Watches {@code sc}: after an outside stop and {@link #GRACE}, prints why, then ends the
     * process if {@link #endProcessWith} was called, else interrupts the calling thread, so an
     * embedding program's call fails instead of hanging and the program itself lives on.
     */
    public static StopWatchdog watch(JavaSparkContext sc, String what) {
        return watch(sc, what, GRACE);
    }

    /** As {@link #watch(JavaSparkContext, String)} with another grace period (tests). */
    static StopWatchdog watch(JavaSparkContext sc, String what, Duration grace) {
        Thread caller = Thread.currentThread();
        return watch(sc, grace, () -> {
            String why = what + ": Spark stopped the application from outside (the master gave up on it or refused "
                    + "it: check its log, the master URL and spark.authenticate) and the driver did not stop within "
                    + grace.toSeconds() + " s";
            Runnable exit = processExit;
            if (exit != null) {
                System.err.println("sparkcnn: failed: " + why);
                exit.run();
            } else {
                LOG.error("{}; interrupting {}", why, caller.getName());
                caller.interrupt();
            }
        });
    }

    /** As above with a given grace period and exit action (tests). */
    static StopWatchdog watch(JavaSparkContext sc, Duration grace, Runnable exit) {
        StopWatchdog watchdog = new StopWatchdog(sc, grace, exit);
        sc.sc().addSparkListener(watchdog);
        return watchdog;
    }

    /** Stops the context as the job's own, expected stop. */
    public void stop() {
        ownStop.set(true);
        sc.stop();
    }

    @Override
    public void onApplicationEnd(SparkListenerApplicationEnd end) {
        if (ownStop.get() || !fired.compareAndSet(false, true)) {
            return;
        }
        LOG.warn("the Spark application was stopped from outside; the driver has {} s to finish",
                grace.toSeconds());
        Thread timer = new Thread(() -> {
            try {
                Thread.sleep(grace.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            if (!ownStop.get()) {
                exit.run();
            }
        }, "sparkcnn-stop-watchdog");
        timer.setDaemon(true); // a driver that ends by itself is not kept alive
        timer.start();
    }
}
