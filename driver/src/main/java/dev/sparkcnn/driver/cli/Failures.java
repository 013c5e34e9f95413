package dev.sparkcnn.driver.cli;

import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.datasets.UsageException;
import java.io.PrintStream;
import java.io.UncheckedIOException;

/**
 * Turns an exception into one clear message and an exit status. Bad input and bad options — the
 * project's own types {@link InvalidDataException} and {@link UsageException} (and so
 * {@code ConfigException}), also when they surface inside a Spark task, wrapped in Spark's
 * exceptions — print their message only and return 2; an I/O failure prints its message and
 * returns 1; anything else is a failure (1) and keeps its stack trace for the bug report, a plain
 * {@link IllegalArgumentException} included: one the project did not raise as bad input is a bug.
 */
public final class Failures {
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;

    private Failures() {
    }

    public static int report(Throwable e, PrintStream err) {
        Throwable user = userError(e);
        if (user != null) {
            err.println("sparkcnn: error: " + user.getMessage());
            return BAD_INPUT;
        }
        String remote = remoteUserError(e);
        if (remote != null) {
            err.println("sparkcnn: error: " + remote);
            return BAD_INPUT;
        }
        UncheckedIOException io = find(e, UncheckedIOException.class);
        if (io != null) {
            // an I/O failure (unreachable file system, permissions): the message names the path
            err.println("sparkcnn: failed: " + io.getMessage());
            return FAILED;
        }
        err.println("sparkcnn: failed: " + e);
        e.printStackTrace(err);
        return FAILED;
    }

    /** The first user-caused exception in the cause chain: bad input data, bad option, unreadable path. */
    static Throwable userError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidDataException || t instanceof UsageException) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** How a task's bad-input exception reads once Spark has turned it into text. */
    private static final String[] REMOTE_MARKERS = {InvalidDataException.class.getName() + ": ",
        UsageException.class.getName() + ": ", "dev.sparkcnn.driver.config.ConfigException: "};

    /** A task's bad-input exception that Spark reported only as text. */
    static String remoteUserError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            for (String marker : REMOTE_MARKERS) {
                int i = m.indexOf(marker);
                if (i >= 0) {
                    return m.substring(i + marker.length()).lines().findFirst().orElse("").trim();
                }
            }
        }
        return null;
    }
}
