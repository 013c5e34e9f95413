package dev.sparkcnn.kernels.sync;

import dev.sparkcnn.kernels.ModelState;
import java.io.Serializable;

/**
 * What one replica reports after a synchronous round.
 *
 * @param rank            the replica's rank (its partition)
 * @param state           the replica's state at the end (parameters identical on all replicas)
 * @param lossSum         summed training loss of this replica's own examples
 * @param examples        this replica's examples
 * @param correct         of those, classified right before their step; -1 if the engine does not measure it
 * @param steps           lockstep steps taken (the same on every replica)
 * @param bytesSent       bytes this replica sent
 * @param paramsHash      hash of the final parameters (equal on all replicas)
 * @param verifiedSteps   steps after which all replicas' parameter hashes were compared and agreed
 * @param exchangeSeconds time spent exchanging (including waiting for slower replicas)
 */
public record SyncResult(int rank, ModelState state, double lossSum, long examples, long correct, int steps,
                         long bytesSent, int paramsHash, int verifiedSteps, double exchangeSeconds)
        implements Serializable {
}
