package dev.sparkcnn.peers;

import org.apache.spark.SparkEnv;
import org.nd4j.parameterserver.distributed.v2.transport.PortSupplier;

/**
 * The UDP port of each JVM's parameter-server transport when every JVM shares one address (the
 * benchmark's local masters): executor {@code i} listens on {@code basePort + i}. M2's default
 * gives every JVM the same port, so on one host the transports collide. The mesh's root is the
 * executor listening on the controller port, which {@code SharedTrainingMaster} takes from this
 * supplier on the driver ({@code basePort}): executor 0, or the driver JVM itself under
 * {@code local[N]}, where the tasks run in it.
 */
final class ExecutorPorts implements PortSupplier {
    private static final long serialVersionUID = 1L;
    private final int basePort;

    ExecutorPorts(int basePort) {
        this.basePort = basePort;
    }

    @Override
    public int getPort() {
        SparkEnv env = SparkEnv.get();
        String id = env == null ? "driver" : env.executorId();
        return id.matches("\\d{1,4}") ? basePort + Integer.parseInt(id) : basePort;
    }
}
