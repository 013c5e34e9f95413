package dev.sparkcnn.driver.spark;

import dev.sparkcnn.driver.SparkTest;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.driver.TestData;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** A driver whose application is stopped from outside is ended after the grace period; its own stop is not. */
@SparkTest
class StopWatchdogTest {

    @Test
    void anOutsideStopEndsTheDriverAfterTheGracePeriod() throws Exception {
        JavaSparkContext sc = SparkRuntime.start("watchdog-test", "local[1]", TestData.sparkTestConf());
        CountDownLatch exited = new CountDownLatch(1);
        StopWatchdog.watch(sc, Duration.ofMillis(300), exited::countDown);
        long t0 = System.nanoTime();
        sc.stop(); // as Spark does when the master gives up on the application
        assertTrue(exited.await(20, TimeUnit.SECONDS), "the watchdog ended the driver");
        assertTrue(System.nanoTime() - t0 >= 300_000_000L, "not before the grace period");
    }

    @Test
    void theJobsOwnStopIsNotWatched() throws Exception {
        JavaSparkContext sc = SparkRuntime.start("watchdog-test", "local[1]", TestData.sparkTestConf());
        CountDownLatch exited = new CountDownLatch(1);
        StopWatchdog.watch(sc, Duration.ofMillis(100), exited::countDown).stop();
        assertFalse(exited.await(1, TimeUnit.SECONDS), "an expected stop must not end the driver");
    }

    @Test
    void embeddedTheWatchdogInterruptsTheJobsThreadAndNeverEndsTheProcess() throws Exception {
        JavaSparkContext sc = SparkRuntime.start("watchdog-test", "local[1]", TestData.sparkTestConf());
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch watching = new CountDownLatch(1);
        Thread job = new Thread(() -> {
            StopWatchdog.watch(sc, "embedded job", Duration.ofMillis(300));
            watching.countDown();
            try {
                Thread.sleep(60_000); // a job blocked after the outside stop
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        }, "embedded-job");
        job.start();
        assertTrue(watching.await(10, TimeUnit.SECONDS));
        sc.stop();
        assertTrue(interrupted.await(20, TimeUnit.SECONDS), "the job's thread was interrupted");
        // still here: the JVM (the embedding program) was not ended
    }

    @Test
    void noCodeOutsideMainEndsTheProcess() throws Exception {
        java.nio.file.Path main = java.nio.file.Path.of("src/main/java");
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(main)) {
            java.util.List<String> offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.endsWith(java.nio.file.Path.of("dev/sparkcnn/driver/Main.java")))
                    .filter(p -> {
                        try {
                            String text = java.nio.file.Files.readString(p);
                            // a program of its own (a bench's child JVM) may end its own process
                            boolean entryPoint = text.contains("public static void main(String[] args)");
                            return !entryPoint && (text.contains("System.exit(")
                                    || text.contains("Runtime.getRuntime().halt(")
                                    || text.contains("Runtime.getRuntime().exit("));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).map(Object::toString).toList();
            assertTrue(offenders.isEmpty(), "System.exit in library code: " + offenders);
        }
    }
}
