package dev.sparkcnn.driver.bench;

/**
 * What sparkcnn's rows of {@code bench strategies} ran with, for a peer to run the same.
 *
 * @param data               dataset path or URI
 * @param model              catalogue model
 * @param master             Spark master
 * @param workers            partitions = workers
 * @param epochs             passes over the training split
 * @param averagingFrequency local steps between averages (K)
 * @param batchSize          mini-batch size per worker
 * @param testFraction       held-out share of each partition
 * @param seed               split and initialisation seed
 */
public record PeerRun(String data, String model, String master, int workers, int epochs, int averagingFrequency,
                      int batchSize, double testFraction, long seed) {
}
