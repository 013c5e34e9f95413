package dev.sparkcnn.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.driver.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code bench strategies --peers}: a peer that is not on the class path (the driver's own tests
 * never have module peers) is bad usage, reported before anything trains; a failed peer row
 * carries its error chain in one line.
 */
class PeersOptionTest {

    @Test
    void aPeerNotOnTheClassPathIsExit2BeforeAnythingRuns() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"bench", "strategies", "--peers", "dl4j-spark", "--master", "local[2]"},
                new PrintStream(out), new PrintStream(err));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, message);
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.contains("--peers dl4j-spark: no peer system is on the class path; build module peers"),
                message);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing ran");
    }

    @Test
    void aFailedRowCarriesItsErrorChainInOneLine() {
        PeerRow row = PeerRow.failed("x", new IllegalStateException("outer\nsecond line",
                new java.io.IOException("inner")));
        assertEquals("IllegalStateException: outer second line <- IOException: inner", row.error());
        assertTrue(Double.isNaN(row.imagesPerSecond()));
    }
}
