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
}
