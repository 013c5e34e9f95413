package dev.sparkcnn.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.datasets.UsageException;
import dev.sparkcnn.driver.config.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Exit status 2 is decided by the project's own bad-input types, never by IllegalArgumentException. */
class FailuresTest {

    @Test
    void theProjectsBadInputTypesAreExitStatusTwoWithTheirMessageAlone() {
        assertBadInput(new ConfigException("--epochs 0 must be at least 1"));
        assertBadInput(new UsageException("--out x already exists"));
        assertBadInput(new InvalidDataException("a.bin: truncated"));
        assertBadInput(new RuntimeException("Job aborted", new InvalidDataException("a.bin: truncated")));
    }

    @Test
    void aPlainIllegalArgumentExceptionIsABugExitStatusOneWithItsStackTrace() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Failures.report(new IllegalArgumentException("index 7 out of bounds for length 3"),
                new PrintStream(err, true));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertEquals(Failures.FAILED, code, printed);
        assertTrue(printed.contains("\tat "), "the stack trace is kept for the bug report: " + printed);
    }

    @Test
    void aTasksBadInputReportedAsTextIsStillBadInput() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RuntimeException remote = new RuntimeException("Job aborted due to stage failure: Task 0 failed: "
                + "dev.sparkcnn.driver.config.ConfigException: --threads-per-task 9 is more than the 2 cores\n\tat x");
        assertEquals(Failures.BAD_INPUT, Failures.report(remote, new PrintStream(err, true)));
        RuntimeException bug = new RuntimeException("Job aborted due to stage failure: Task 0 failed: "
                + "java.lang.IllegalArgumentException: negative size");
        assertEquals(Failures.FAILED, Failures.report(bug, new PrintStream(new ByteArrayOutputStream(), true)));
    }

    private static void assertBadInput(Throwable e) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Failures.report(e, new PrintStream(err, true));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertEquals(Failures.BAD_INPUT, code, printed);
        assertFalse(printed.contains("\tat "), "no stack trace: " + printed);
    }
}
