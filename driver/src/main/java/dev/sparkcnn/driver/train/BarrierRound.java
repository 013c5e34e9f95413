package dev.sparkcnn.driver.train;

import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.sync.RunSecret;
import java.io.Serializable;
import java.net.InetSocketAddress;
import org.apache.spark.broadcast.Broadcast;

/**
 * Everything a barrier task of one round needs, decided on the driver.
 *
 * @param run        the run's settings
 * @param state      the round's start state
 * @param epoch      0-based epoch of the round
 * @param number     1-based round over the whole run
 * @param steps      lockstep steps every replica takes
 * @param secret     the run's secret: authenticates registrations and ring connections, and says
 *                   whether ring traffic is encrypted
 * @param faults     test-only failure injection
 * @param rendezvous where the tasks meet: the driver's {@link dev.sparkcnn.kernels.sync.Rendezvous.Server}, as
 *                   executors reach it
 */
record BarrierRound(TrainingRun run, Broadcast<ModelState> state, int epoch, int number, int steps, RunSecret secret,
                    FaultInjection faults, InetSocketAddress rendezvous) implements Serializable {
}
