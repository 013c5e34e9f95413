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
 * The configured fast path is the one that runs: a native-engine training step must execute its
 * convolutions and poolings in the oneDNN it calls directly (the {@code org.bytedeco:dnnl} preset,
 * whose log lines start {@code onednn_verbose}) on NHWC activations with no activation reorders,
 * and, with a oneDNN build of libnd4j selected (the {@code nd4j.classifier} of the build), its
 * matrix products in libnd4j's oneDNN (lines starting {@code dnnl_verbose}). Checked from oneDNN's
 * own execution logs ({@code DNNL_VERBOSE=1}, printed by native code, hence a child JVM), not from
 * flags that can claim support without using it.
 */
class FastPathTest {

    private static final String DIRECT = "onednn_verbose,exec,cpu,";
    private static final String LIBND4J = "dnnl_verbose,exec,cpu,";

    @Test
    void nativeEngineRunsConvolutionPoolingAndMatmulInOneDnn() throws Exception {
        String classifier = NativeRuntime.nativeClassifier();
        String log = probe("native");
        assertTrue(log.contains("probe-done"), "the probe ran: " + tail(log));
        List<String> direct = log.lines().filter(l -> l.startsWith(DIRECT)).toList();
        for (String pass : List.of("forward_training", "backward_data", "backward_weights")) {
            assertTrue(direct.stream().anyMatch(l -> l.startsWith(DIRECT + "convolution") && l.contains(pass)
                            && l.contains("src_f32::blocked:acdb") && l.contains("dst_f32::blocked:acdb")),
                    "convolution " + pass + " did not run in the directly called oneDNN on NHWC; log tail: "
                            + tail(log));
        }
        for (String pass : List.of("forward_training", "backward_data")) {
            assertTrue(direct.stream().anyMatch(l -> l.startsWith(DIRECT + "pooling") && l.contains(pass)
                            && l.contains("src_f32::blocked:acdb")),
                    "pooling " + pass + " did not run in the directly called oneDNN on NHWC; log tail: " + tail(log));
        }
        // only weights (4-d OIHW <-> blocked) are reordered, never the NHWC activations
        assertTrue(direct.stream().filter(l -> l.startsWith(DIRECT + "reorder")).noneMatch(l -> l.contains("acdb")),
                "activations were reordered: " + tail(log));
        if (!classifier.contains("onednn")) {
            assertTrue(log.lines().noneMatch(l -> l.startsWith(LIBND4J)),
                    "a libnd4j build without oneDNN cannot run it: " + classifier);
            return;
        }
        assertTrue(NativeRuntime.hasOneDnn(), "native build info of " + classifier + " lists oneDNN");
        assertTrue(log.lines().anyMatch(l -> l.startsWith(LIBND4J + "matmul")),
                "matmul did not execute in libnd4j's oneDNN; log tail: " + tail(log));
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
