package dev.sparkcnn.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code sparkcnn bench kernels} in-process: a short real run, and its bad options. */
class BenchKernelsCliTest {

    @Test
    void shortRunPrintsEveryTable() {
        Run run = run("bench", "kernels", "--models", "cifar-cnn", "--engines", "native", "--seconds", "0.2",
                "--threads", "1", "--layer-times");
        assertEquals(0, run.status, run.err);
        String out = run.out;
        assertTrue(out.contains("machine: "), out);
        assertTrue(out.contains("OPENBLAS_CORETYPE="), out);
        assertTrue(Pattern.compile("FP32 GEMM: .* [0-9.]+ GFLOPS").matcher(out).find(), out);
        for (String layer : new String[]{"conv1", "conv2", "conv3"}) {
            assertTrue(Pattern.compile("(?m)^cifar-cnn +3x32x32 +" + layer + " .*\\d").matcher(out).find(), out);
        }
        assertTrue(out.contains("3x32x32->32x30x30 k3"), out);
        // images/s, forward MFLOPs per image, training GFLOPS, the GEMM measured after the row, the ratio
        assertTrue(Pattern.compile("(?m)^cifar-cnn +3x32x32 +native +\\d+ +9\\.10 +[\\d.]+ +[1-9][\\d.]* +\\d\\.\\d{3}$")
                .matcher(out).find(), out);
        assertTrue(!out.contains("dl4j"), out);
        // the header of each training row says which path convolutions, batch norms and poolings took
        assertTrue(Pattern.compile("engine native, cifar-cnn 3x32x32: .*; float convolutions, batch norms and poolings in "
                + "oneDNN \\d+\\.\\d+\\.\\d+, called directly").matcher(out).find(), out);
        // --layer-times: a row per layer with its output shape and milliseconds, then the step's totals
        assertTrue(Pattern.compile("(?m)^cifar-cnn +3x32x32 +conv 3x3 +32x30x30 +[\\d.]+ +[\\d.]+$").matcher(out)
                .find(), out);
        assertTrue(Pattern.compile("(?m)^cifar-cnn +3x32x32 +dense +10 +[\\d.]+ +[\\d.]+$").matcher(out).find(), out);
        assertTrue(Pattern.compile("(?m)^cifar-cnn +3x32x32 +step [\\d.]+ ms \\(\\d+ steps\\): conv 3x3 [\\d.]+, pool")
                .matcher(out).find(), out);
    }

    @Test
    void badOptionsExitWith2() {
        assertBad(run("bench", "kernels", "--models", "resnet"), "--models: 'resnet' is not known");
        assertBad(run("bench", "kernels", "--engines", "cuda"), "--engines: 'cuda' is not known");
        assertBad(run("bench", "kernels", "--seconds", "0"), "--seconds must be a number > 0");
        assertBad(run("bench", "kernels", "--threads", "0"), "--threads must be at least 1");
        assertEquals(2, run("bench", "kernels", "--seconds", "soon").status);
        assertEquals(2, run("bench").status);
        assertBad(run("bench", "scaling", "--model", "resnet"), "--model: 'resnet' is not known");
        assertBad(run("bench", "scaling", "--engine", "cuda"), "--engine: 'cuda' is not known");
        assertBad(run("bench", "scaling", "--workers", "0"), "--workers and --averaging-frequency must be at least 1");
    }

    private static void assertBad(Run run, String message) {
        assertEquals(2, run.status, run.err);
        assertTrue(run.err.contains(message), run.err);
    }

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
