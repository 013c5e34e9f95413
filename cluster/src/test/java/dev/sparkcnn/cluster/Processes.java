package dev.sparkcnn.cluster;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Child processes of the integration tests: output to a log file, bounded in time. */
final class Processes {
    private Processes() {
    }

    static Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).directory(Checkout.HOME.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Exit status of a process, killing it (and failing) if it outlives the timeout. */
    static int await(Process p, Duration timeout, Path log) throws IOException, InterruptedException {
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            fail("still running after " + timeout.toSeconds() + " s: " + p.info().commandLine().orElse("?")
                    + "\n" + tail(log));
        }
        return p.exitValue();
    }

    static int run(List<String> command, Map<String, String> env, Path log, Duration timeout)
            throws IOException, InterruptedException {
        return await(start(command, env, log), timeout, log);
    }

    /** The last lines of a log, for failure messages. */
    static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
