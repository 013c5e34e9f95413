package dev.sparkcnn.driver.train;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.Seeds;
import dev.sparkcnn.kernels.sync.Rendezvous;
import dev.sparkcnn.kernels.sync.RingCollective;
import dev.sparkcnn.kernels.sync.RoundCredentials;
import dev.sparkcnn.kernels.sync.SyncResult;
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
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;

/**
 * One barrier task of a synchronous round (gradient sharing or all-reduce averaging): all of a
 * round's tasks run at once. Each opens a server socket, registers its address with the driver's
 * {@link Rendezvous} server and learns everyone's (Spark's {@link BarrierTaskContext#allGather}
 * would cost at least a second: it polls in whole seconds), joins a ring of direct connections,
 * and takes the round's steps on its partition's records.
 */
final class SyncRound extends AbstractFunction1<Iterator<ImageRecord>, Iterator<SyncResult>>
        implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final BarrierRound round;
    private final ReplicaSteps replica;
    private final String strategy;

    /** @param strategy names the strategy in errors */
    SyncRound(BarrierRound round, ReplicaSteps replica, String strategy) {
        this.round = round;
        this.replica = replica;
        this.strategy = strategy;
    }

    @Override
    public Iterator<SyncResult> apply(Iterator<ImageRecord> records) {
        BarrierTaskContext context = BarrierTaskContext.get();
        int rank = context.partitionId();
        TrainingRun run = round.run();
        List<ImageRecord> mine = new ArrayList<>();
        JavaConverters.asJavaIterator(records).forEachRemaining(mine::add);
        Seeds.shuffle(mine, run.seed(), round.epoch(), rank);
        String host = SparkEnv.get().blockManager().blockManagerId().host();
        RoundCredentials credentials = new RoundCredentials(round.secret(), round.number(),
                context.stageAttemptNumber());
        try (ServerSocket server = RingCollective.listen(host)) {
            List<InetSocketAddress> members = Rendezvous.join(round.rendezvous(), credentials, rank,
                    context.getTaskInfos().length, new InetSocketAddress(host, server.getLocalPort()), TIMEOUT,
                    context::isInterrupted);
            round.faults().maybeFail(round.number(), rank);
            try (TaskNetworks.Lease lease = TaskNetworks.borrow(run, rank);
                 RingCollective ring = RingCollective.join(rank, members, server, credentials, TIMEOUT,
                         context::isInterrupted)) {
                SyncResult result = replica.take(lease.network(), round.state().value(),
                        run.trainingBatches(mine, round.epoch(), rank, 0), round.steps(), ring);
                return JavaConverters.asScalaIterator(List.of(result).iterator());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(strategy + ", round " + round.number() + ", partition " + rank + ": "
                    + e.getMessage(), e);
        }
    }
}
