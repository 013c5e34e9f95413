package dev.sparkcnn.driver.train;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.Seeds;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.sync.Exchange;
import dev.sparkcnn.kernels.sync.Rendezvous;
import dev.sparkcnn.kernels.sync.RingCollective;
import dev.sparkcnn.kernels.sync.RoundCredentials;
import dev.sparkcnn.kernels.sync.RunSecret;
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

    private final TrainingRun run;
    private final Broadcast<ModelState> state;
    private final int epoch;
    private final int roundNumber;
    private final int steps;
    private final RunSecret secret;
    private final Exchange.Options options;
    private final FaultInjection faults;
    private final InetSocketAddress rendezvous;

    /**
     * @param secret     the run's secret: authenticates registrations and ring connections (and
     *                   says whether ring traffic is encrypted)
     * @param rendezvous the driver's {@link Rendezvous.Server}
     */
    SyncRound(TrainingRun run, Broadcast<ModelState> state, int epoch, int roundNumber, int steps, RunSecret secret,
              Exchange.Options options, FaultInjection faults, InetSocketAddress rendezvous) {
        this.rendezvous = rendezvous;
        this.run = run;
        this.state = state;
        this.epoch = epoch;
        this.roundNumber = roundNumber;
        this.steps = steps;
        this.secret = secret;
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
        RoundCredentials credentials = new RoundCredentials(secret, roundNumber, context.stageAttemptNumber());
        try (ServerSocket server = RingCollective.listen(host)) {
            List<InetSocketAddress> members = Rendezvous.join(rendezvous, credentials, rank,
                    context.getTaskInfos().length, new InetSocketAddress(host, server.getLocalPort()), TIMEOUT,
                    context::isInterrupted);
            faults.maybeFail(roundNumber, rank);
            try (TaskNetworks.Lease lease = TaskNetworks.borrow(run);
                 RingCollective ring = RingCollective.join(rank, members, server, credentials, TIMEOUT,
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
