package dev.sparkcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The configured fast path is the one that runs: with a oneDNN build of libnd4j selected
 * (the {@code nd4j.classifier} of the build), a native-engine training step must execute its
 * convolutions, pooling and matrix products in oneDNN. Checked from oneDNN's own execution log
 * ({@code DNNL_VERBOSE=1}, printed by native code, hence a child JVM), not from flags that can
 * claim support without using it.
 */
class FastPathTest {

    @Test
    void nativeEngineRunsConvolutionPoolingAndMatmulInOneDnn() throws Exception {
        String classifier = NativeRuntime.nativeClassifier();
        String log = probe("native");
        assertTrue(log.contains("probe-done"), "the probe ran: " + tail(log));
        if (!classifier.contains("onednn")) {
            assertTrue(!log.contains("dnnl_verbose,exec"), "a build without oneDNN cannot run it: " + classifier);
            return;
        }
        assertTrue(NativeRuntime.hasOneDnn(), "native build info of " + classifier + " lists oneDNN");
        for (String primitive : List.of("convolution", "pooling", "matmul")) {
            assertTrue(log.contains("dnnl_verbose,exec,cpu," + primitive),
                    primitive + " did not execute in oneDNN; log tail: " + tail(log));
        }
        assertTrue(log.lines().anyMatch(l -> l.startsWith("dnnl_verbose,exec,cpu,convolution")
                        && l.contains("backward")), "convolution backward runs in oneDNN too");
    }

    private static String probe(String engine) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                FastPathProbe.class.getName(), engine).redirectErrorStream(true);
        pb.environment().put("DNNL_VERBOSE", "1");
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe finished");
        String log = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "probe exit status; output: " + tail(log));
        return log;
    }

    private static String tail(String log) {
        return log.length() <= 2000 ? log : log.substring(log.length() - 2000);
    }
}
