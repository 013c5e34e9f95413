package dev.sparkcnn.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.driver.bench.ScalingProjection.Costs;
import dev.sparkcnn.driver.bench.ScalingProjection.Network;
import dev.sparkcnn.driver.bench.ScalingProjection.Strategy;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The projection's arithmetic against figures worked out by hand. */
class ScalingProjectionTest {
    // 1,000,000 parameters (4 MB), Adam (3 vectors), batch 64 at 6,400 images/s: 10 ms per step
    private static final Network NET = new Network("test", 1_000_000, 3, 64, 6400);
    // 50 us per hop, host 2 GB/s, 10 Gb/s wire (1.25 GB/s), Spark job 100 ms + 1 ms per task, threshold 1/100
    private static final Costs COSTS = new Costs(50e-6, 2e9, Costs.gigabits(10), 0.1, 1e-3, 0.01);
    private static final ScalingProjection P = new ScalingProjection(NET, COSTS);

    @Test
    void costsOfEachStrategyOnEightExecutors() {
        assertEquals(10e-3, NET.stepSeconds(), 1e-12);
        assertEquals(1.25e9, COSTS.bandwidth(), 1e-3);
        // ring: 14 hops x 50 us + 2*7/8 * 4 MB / 1.25 GB/s = 0.7 + 5.6 ms
        assertEquals(6.3e-3, P.communication(Strategy.DENSE, 8), 1e-9);
        assertEquals(10 / 16.3, P.efficiency(Strategy.DENSE, 8, 99), 1e-9);
        // all-gather of 40 KB: 7 x (50 + 32) us
        assertEquals(574e-6, P.communication(Strategy.THRESHOLD, 8), 1e-9);
        // ring of the 12 MB state as doubles (24 MB) every K=5 steps: 0.7 + 33.6 ms against 50 ms of compute
        assertEquals(50 / 84.3, P.efficiency(Strategy.ALLREDUCE_AVERAGING, 8, 5), 1e-9);
        // Spark job 100 ms + 8 tasks x 1 ms + 12 MB x (1 + 3) / 1.25 GB/s
        assertEquals(0.1464, P.communication(Strategy.PARAMETER_AVERAGING, 8), 1e-9);
        assertEquals(0.05 / 0.1964, P.efficiency(Strategy.PARAMETER_AVERAGING, 8, 5), 1e-9);
    }

    @Test
    void aSingleExecutorDoesNotCommunicateOverTheRing() {
        assertEquals(0, P.ringAllReduce(1, 4e6));
        assertEquals(0, P.allGather(1, 4e6));
    }

    @Test
    void stoppingPointIsWhereEfficiencyFallsBelowHalf() {
        // dense: 2(N-1) 50 us + 2(N-1)/N 3.2 ms passes 10 ms between N = 38 (9.93 ms) and 39 (10.04 ms)
        assertEquals(39, P.stoppingPoint(Strategy.DENSE, 1));
        assertTrue(P.efficiency(Strategy.DENSE, 38, 1) >= 0.5);
        // threshold: (N-1) x 82 us passes 10 ms at N = 123
        assertEquals(123, P.stoppingPoint(Strategy.THRESHOLD, 1));
        // parameter averaging with K=5 is below half already on two executors
        assertEquals(2, P.stoppingPoint(Strategy.PARAMETER_AVERAGING, 5));
        Network huge = new Network("huge-batch", 1000, 1, 1 << 20, 1);
        assertEquals(-1, new ScalingProjection(huge, COSTS).stoppingPoint(Strategy.DENSE, 1));
    }

    @Test
    void remediesReachEightyPercent() {
        // K >= 4 x 146.4 ms / 10 ms = 58.56
        assertEquals(59, P.kFor(Strategy.PARAMETER_AVERAGING, 8));
        assertTrue(P.efficiency(Strategy.PARAMETER_AVERAGING, 8, 59) >= 0.8);
        assertTrue(P.efficiency(Strategy.PARAMETER_AVERAGING, 8, 58) < 0.8);
        // batch >= 4 x 6.3 ms x 6,400 images/s = 161.28
        assertEquals(162, P.batchFor(Strategy.DENSE, 8));
    }

    @Test
    void hopLatencyFromPerMemberFitsThatDidNotShareCores() {
        Map<Integer, ExchangeModel> fits = Map.of(2, new ExchangeModel(200e-6, 1e9), 4, new ExchangeModel(600e-6, 1e9),
                8, new ExchangeModel(9e-3, 1e9));
        // (200 x 2 + 600 x 6) / (2^2 + 6^2) = 100 us; N=8 shares the 4 cores and is left out
        assertEquals(100e-6, ProjectionReport.hopLatency(fits, 4), 1e-12);
    }
}
