package dev.sparkcnn.driver.train;

import dev.sparkcnn.kernels.ModelState;
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
 * @param ringToken  authenticates the round's ring connections
 * @param faults     test-only failure injection
 * @param rendezvous where the tasks meet
 */
record BarrierRound(TrainingRun run, Broadcast<ModelState> state, int epoch, int number, int steps, long ringToken,
                    FaultInjection faults, Rendezvous rendezvous) implements Serializable {

    /**
     * The driver's {@link dev.sparkcnn.kernels.sync.Rendezvous.Server}.
     *
     * @param address its address as executors reach it
     * @param token   authenticates registrations there
     */
    record Rendezvous(InetSocketAddress address, long token) implements Serializable {
    }
}
