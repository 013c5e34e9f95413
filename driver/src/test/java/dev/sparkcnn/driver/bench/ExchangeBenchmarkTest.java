package dev.sparkcnn.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.driver.bench.ExchangeModel.Point;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two member JVMs form a real ring on loopback; each checks every all-reduce's sum. */
class ExchangeBenchmarkTest {

    /**
     * Sizes 128x apart, medians of 5: with 64 KiB and 1 MiB, medians of 3, a loaded 2-core CI
     * machine once timed the larger message faster than the smaller (a fitted bandwidth below
     * zero), which the report rightly refuses; 8 MiB takes tens of milliseconds on loopback, far
     * above that noise.
     */
    @Test
    void timesTheRingAllReduceAmongMemberJvms() {
        StringWriter text = new StringWriter();
        List<Point> points = new ExchangeBenchmark(List.of(2), List.of(64L << 10, 8L << 20), 1, 5)
                .measure(new PrintWriter(text));
        assertEquals(2, points.size());
        assertEquals(64 << 10, points.get(0).bytes());
        assertEquals(2, points.get(1).members());
        points.forEach(p -> assertTrue(p.seconds() > 0 && p.seconds() < 30, p.toString()));
        ExchangeReport report = ExchangeReport.of(points, 2);
        report.print(new PrintWriter(text));
        assertTrue(text.toString().contains("fit for N=2 alone"), text.toString());
    }

    @Test
    void medianOfRepetitions() {
        assertEquals(3, ExchangeBenchmark.median(new long[] {9, 1, 3}));
        assertEquals(2.5, ExchangeBenchmark.median(new long[] {4, 1, 3, 2}));
    }
}
