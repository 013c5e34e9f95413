package dev.sparkcnn.driver.bench;

/**
 * One training mode of a peer system, measured; or the error that stopped it.
 *
 * @param strategy        what ran, e.g. {@code dl4j-spark ParameterAveragingTrainingMaster (K=5)}
 * @param imagesPerSecond training images per second after the first epoch (NaN if it failed)
 * @param heldOutAccuracy accuracy on the held-out split
 * @param testAccuracy    accuracy on the dataset's own test set, or null if it has none
 * @param seconds         wall time of the training, all epochs
 * @param note            how it ran, e.g. on how many executor JVMs
 * @param error           why it failed, or null
 */
public record PeerRow(String strategy, double imagesPerSecond, double heldOutAccuracy, Double testAccuracy,
                      double seconds, String note, String error) {

    /** A mode that failed: the error, with its cause, in one line. */
    public static PeerRow failed(String strategy, Throwable e) {
        StringBuilder message = new StringBuilder();
        for (Throwable t = e; t != null && message.length() < 400; t = t.getCause()) {
            if (message.length() > 0) {
                message.append(" <- ");
            }
            message.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
            if (t.getCause() == t) {
                break;
            }
        }
        return new PeerRow(strategy, Double.NaN, Double.NaN, null, Double.NaN, null,
                message.toString().replaceAll("\\s+", " "));
    }
}
