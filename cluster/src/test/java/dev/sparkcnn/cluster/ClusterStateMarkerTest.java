package dev.sparkcnn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sparkcnn-cluster start} deletes a state directory only when it carries the script's
 * marker (or is empty): a mistyped {@code SPARKCNN_CLUSTER_STATE} naming a directory of someone
 * else's files is refused, naming it, and nothing in it is touched. Runs the script itself against
 * a fake checkout that has the files {@code start} checks for, so no cluster is built or started.
 */
class ClusterStateMarkerTest {
    private static final Path SCRIPT = Path.of(System.getProperty("sparkcnn.home", "..")).toAbsolutePath()
            .normalize().resolve("bin/sparkcnn-cluster");

    @TempDir
    Path tmp;

    @Test
    void aForeignStateDirectoryIsRefusedAndKept() throws Exception {
        Path foreign = Files.createDirectories(tmp.resolve("home-of-someone"));
        Files.writeString(foreign.resolve("thesis.tex"), "precious");
        Result r = start(foreign);
        assertEquals(2, r.code, r.err);
        assertTrue(r.err.contains(foreign.toString()) && r.err.contains("refusing to delete"), r.err);
        assertEquals("precious", Files.readString(foreign.resolve("thesis.tex")));
    }

    @Test
    void aMarkedStateDirectoryIsReplacedAndTheNewOneMarked() throws Exception {
        Path state = Files.createDirectories(tmp.resolve("state"));
        Files.writeString(state.resolve(".sparkcnn-cluster-state"), "x");
        Files.writeString(state.resolve("old-master.log"), "from the last cluster");
        start(state); // fails later: there is no java in the fake checkout
        assertTrue(Files.exists(state.resolve(".sparkcnn-cluster-state")));
        assertTrue(Files.notExists(state.resolve("old-master.log")));
    }

    private record Result(int code, String err) {
    }

    /** Runs {@code start} with a fake build in place; it stops at the state directory or when it launches java. */
    private Result start(Path state) throws IOException, InterruptedException {
        Path home = Files.createDirectories(tmp.resolve("checkout"));
        Files.createDirectories(home.resolve("bin"));
        Files.copy(SCRIPT, home.resolve("bin/sparkcnn-cluster"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(home.resolve("cluster/target/spark-home/jars"));
        Files.writeString(home.resolve("cluster/target/spark-home/jars/spark-core_2.12-3.5.0.jar"), "");
        Files.createDirectories(home.resolve("deploy/target/launcher"));
        Files.writeString(home.resolve("deploy/target/sparkcnn-app.jar"), "");
        Files.writeString(home.resolve("deploy/target/launcher/jvm.options"), "");
        ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("bin/sparkcnn-cluster").toString(), "start");
        pb.environment().put("SPARKCNN_CLUSTER_STATE", state.toString());
        pb.environment().put("SPARKCNN_HOME", home.toString());
        pb.environment().put("JAVA_HOME", tmp.resolve("no-java").toString()); // never gets to start one
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the script ended");
        return new Result(p.exitValue(), err);
    }
}
