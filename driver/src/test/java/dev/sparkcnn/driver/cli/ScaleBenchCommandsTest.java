package dev.sparkcnn.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.driver.Main;
import dev.sparkcnn.driver.bench.ExchangeModel;
import dev.sparkcnn.driver.bench.ExchangeModel.Point;
import dev.sparkcnn.driver.bench.ExchangeReport;
import dev.sparkcnn.driver.config.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench exchange} and {@code bench project} on the command line: bad input, and a projection from a saved fit. */
class ScaleBenchCommandsTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true), new PrintStream(err, true));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badOptionsExitWithStatusTwoAndNameTheOption() {
        Run members = run("bench", "exchange", "--members", "1,2");
        assertEquals(2, members.code());
        assertTrue(members.err().contains("--members"), members.err());
        Run sizes = run("bench", "exchange", "--sizes-kb", "64");
        assertEquals(2, sizes.code());
        assertTrue(sizes.err().contains("--sizes-kb"), sizes.err());
        Run inputs = run("bench", "project");
        assertEquals(2, inputs.code());
        assertTrue(inputs.err().contains("--exchange"), inputs.err());
        Run missing = run("bench", "project", "--exchange", tmp.resolve("nope.json").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("nope.json"), missing.err());
    }

    @Test
    void projectsFromASavedExchangeFit() throws Exception {
        // a synthetic bench exchange result: 100 us per hop, 1 GB/s
        List<Point> points = new ArrayList<>();
        for (int n : new int[] {2, 4}) {
            for (long bytes : new long[] {1 << 20, 16 << 20}) {
                points.add(new Point(n, bytes, 2 * (n - 1) * 100e-6 + ExchangeModel.sentBytes(n, bytes) / 1e9));
            }
        }
        Path json = tmp.resolve("exchange.json");
        Files.writeString(json, Json.write(ExchangeReport.of(points, 4)));
        Run r = run("bench", "project", "--exchange", json.toString(), "--executors", "8,128", "--links-gbps", "10",
                "--k", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("per-hop latency 100.0 us"), r.out());
        assertTrue(r.out().contains("host bandwidth 1.000 GB/s"), r.out());
        for (String model : List.of("simple-cnn", "mnist-cnn", "cifar-cnn")) {
            assertTrue(r.out().contains("  " + model + "\n"), r.out());
        }
        assertTrue(r.out().contains("gradient-sharing threshold"), r.out());
        assertTrue(r.out().contains("allreduce-averaging, K=5"), r.out());
    }
}
