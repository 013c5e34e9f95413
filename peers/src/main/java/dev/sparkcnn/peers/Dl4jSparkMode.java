package dev.sparkcnn.peers;

import dev.sparkcnn.driver.bench.PeerRun;
import java.util.Map;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;

/**
 * dl4j-spark's training masters as the benchmark configures them: the benchmark's workers and
 * batch size, data used where it is (Direct, no export to files; partitions kept, no
 * repartitioning), no statistics collection.
 */
enum Dl4jSparkMode {
    PARAMETER_AVERAGING {
        @Override
        String label(PeerRun run) {
            return "dl4j-spark parameter averaging (K=" + run.averagingFrequency() + ")";
        }

        @Override
        TrainingMaster<?, ?> master(PeerRun run) {
            return new ParameterAveragingTrainingMaster.Builder(run.workers(), run.batchSize())
                    .batchSizePerWorker(run.batchSize())
                    .averagingFrequency(run.averagingFrequency())
                    .workerPrefetchNumBatches(2)
                    .rddTrainingApproach(RDDTrainingApproach.Direct)
                    .repartionData(Repartition.Never)
                    .collectTrainingStats(false)
                    .storageLevel(STORAGE)
                    .rngSeed(run.seed())
                    .build();
        }
    },
    SHARED_TRAINING {
        @Override
        String label(PeerRun run) {
            return "dl4j-spark shared training (threshold)";
        }

        @Override
        TrainingMaster<?, ?> master(PeerRun run) {
            // the parameter server's transport binds to an interface in networkMask; the benchmark's
            // local masters run every JVM on loopback
            VoidConfiguration transport = VoidConfiguration.builder()
                    .networkMask("127.0.0.0/8")
                    .controllerAddress("127.0.0.1")
                    .build();
            transport.setPortSupplier(new ExecutorPorts(PORT));
            return new SharedTrainingMaster.Builder(transport, run.workers(), new AdaptiveThresholdAlgorithm(),
                    run.batchSize())
                    .batchSizePerWorker(run.batchSize())
                    .workersPerNode(1)
                    .rddTrainingApproach(RDDTrainingApproach.Direct)
                    .repartitionData(Repartition.Never)
                    .collectTrainingStats(false)
                    .storageLevel(STORAGE)
                    .rngSeed(run.seed())
                    .build();
        }

        @Override
        Map<String, String> sparkConf() {
            // M2's AeronUdpTransport sets aeron.client.liveness.timeout to 30 s, and the Aeron 1.32 it
            // ships refuses to start a media driver unless the publication unblock timeout (default
            // 15 s) is longer: raise it in the driver and in every executor JVM
            System.setProperty(UNBLOCK_TIMEOUT, UNBLOCK_NANOS);
            return Map.of("spark.executor.extraJavaOptions", "-D" + UNBLOCK_TIMEOUT + "=" + UNBLOCK_NANOS);
        }
    };

    /** How the training data is cached: as the benchmark caches it (dl4j-spark persists it again). */
    static final StorageLevel STORAGE = StorageLevel.MEMORY_ONLY();
    private static final String UNBLOCK_TIMEOUT = "aeron.publication.unblock.timeout";
    private static final String UNBLOCK_NANOS = "60000000000";

    /** The Aeron port of the shared training master's root; executor i listens on PORT + i. */
    static final int PORT = 40123;

    /** The row's name. */
    abstract String label(PeerRun run);

    /** A new training master for one run. */
    abstract TrainingMaster<?, ?> master(PeerRun run);

    /** Spark settings this mode needs on top of the benchmark's. */
    Map<String, String> sparkConf() {
        return Map.of();
    }
}
