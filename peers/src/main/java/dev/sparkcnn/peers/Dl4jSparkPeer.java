package dev.sparkcnn.peers;

import dev.sparkcnn.driver.bench.PeerRow;
import dev.sparkcnn.driver.bench.PeerRun;
import dev.sparkcnn.driver.bench.PeerSystem;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * dl4j-spark 1.0.0-M2: {@code ParameterAveragingTrainingMaster} (averaging every K steps) and
 * {@code SharedTrainingMaster} (threshold-encoded gradient sharing through the Aeron parameter
 * server), each in its own Spark application on the benchmark's master. A mode that fails gives
 * its row with the error.
 */
public final class Dl4jSparkPeer implements PeerSystem {
    private static final Logger LOG = LoggerFactory.getLogger(Dl4jSparkPeer.class);

    @Override
    public String name() {
        return "dl4j-spark";
    }

    @Override
    public List<PeerRow> run(PeerRun run, PrintWriter log) {
        List<PeerRow> rows = new ArrayList<>();
        for (Dl4jSparkMode mode : Dl4jSparkMode.values()) {
            try {
                rows.add(new Dl4jSparkTraining(run, mode).run());
            } catch (Throwable e) {
                LOG.warn("{} failed", mode.label(run), e);
                rows.add(PeerRow.failed(mode.label(run), e));
            }
        }
        return rows;
    }
}
