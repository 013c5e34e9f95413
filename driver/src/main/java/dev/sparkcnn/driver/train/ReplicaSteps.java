package dev.sparkcnn.driver.train;

import dev.sparkcnn.kernels.Batch;
import dev.sparkcnn.kernels.ModelState;
import dev.sparkcnn.kernels.Network;
import dev.sparkcnn.kernels.sync.Collective;
import dev.sparkcnn.kernels.sync.SyncResult;
import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;

/** What one replica of a barrier strategy does in a round, once its ring is joined (shipped to executors). */
@FunctionalInterface
interface ReplicaSteps extends Serializable {
    SyncResult take(Network net, ModelState start, Iterator<Batch> batches, int steps, Collective ring)
            throws IOException;
}
