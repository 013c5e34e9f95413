package dev.sparkcnn.driver.train;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.Seeds;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.sync.Exchange;
import dev.sparkcnn.kernels.sync.RingCollective;
import dev.sparkcnn.kernels.sync.SyncResult;
import dev.sparkcnn.kernels.sync.SyncTrainer;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.broadcast.Broadcast;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;

/**
 * One barrier task of a gradient-sharing round: all of a round's tasks run at once. Each opens a
 * server socket, the tasks exchange addresses once through {@link BarrierTaskContext#allGather}
 * (slow, ~1 s, but once per round), join a ring of direct connections, and take the round's steps
 * in lockstep on their partition's records.
 */
final class SyncRound extends AbstractFunction1<Iterator<ImageRecord>, Iterator<SyncResult>>
        implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final TrainingRun run;
    private final Broadcast<ModelState> state;
    private final int epoch;
    private final int roundNumber;
    private final int steps;
    private final long token;
    private final Exchange.Options options;
    private final FaultInjection faults;

    SyncRound(TrainingRun run, Broadcast<ModelState> state, int epoch, int roundNumber, int steps, long token,
              Exchange.Options options, FaultInjection faults) {
        this.run = run;
        this.state = state;
        this.epoch = epoch;
        this.roundNumber = roundNumber;
        this.steps = steps;
        this.token = token;
        this.options = options;
        this.faults = faults;
    }

    @Override
    public Iterator<SyncResult> apply(Iterator<ImageRecord> records) {
        BarrierTaskContext context = BarrierTaskContext.get();
        int rank = context.partitionId();
        List<ImageRecord> mine = new ArrayList<>();
        JavaConverters.asJavaIterator(records).forEachRemaining(mine::add);
        Seeds.shuffle(mine, run.seed(), epoch, rank);
        String host = SparkEnv.get().blockManager().blockManagerId().host();
        try (ServerSocket server = RingCollective.listen(host)) {
            String[] all = context.allGather(host + " " + server.getLocalPort());
            List<InetSocketAddress> members = new ArrayList<>();
            for (String member : all) { // ordered by partition id = rank
                String[] hostPort = member.split(" ");
                members.add(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])));
            }
            faults.maybeFail(roundNumber, rank);
            try (TaskNetworks.Lease lease = TaskNetworks.borrow(run);
                 RingCollective ring = RingCollective.join(rank, members, server, token, TIMEOUT,
                         context::isInterrupted)) {
                SyncResult result = SyncTrainer.train(lease.network(), state.value(),
                        run.trainingBatches(mine, epoch, rank, 0), steps,
                        ring, options);
                return JavaConverters.asScalaIterator(List.of(result).iterator());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("gradient sharing, round " + roundNumber + ", partition " + rank + ": "
                    + e.getMessage(), e);
        }
    }
}
