package dev.sparkcnn.driver.registry;

/**
 * The content of a registry version's {@code provenance.json}: enough to say where a model came
 * from and why it is, or is not, the champion, without the logs of the run that made it.
 *
 * @param version       this version's number
 * @param parentVersion the version it was warm-started from; null when trained from scratch
 * @param baseLearningRate the learning rate before {@code lrFactor}: kept along a line of warm
 *                      starts, so nightly runs with {@code --lr-factor 0.1} do not shrink it tenfold every night
 * @param learningRate  the rate this version trained with
 * @param start         training start (ISO-8601, UTC)
 * @param end           end of the run, after the evaluation of both models
 * @param codeVersion   sparkcnn's version (the jar's implementation version)
 * @param master        the Spark master the training ran on
 * @param decision      the comparison with the champion and what was done
 */
public record Provenance(String name, int version, Integer parentVersion, String mode, Double lrFactor,
                         double baseLearningRate, double learningRate, long seed, DataFingerprint data, String codeVersion, String sparkVersion, String master,
                         String start, String end, Decision decision) {
    public static final String FILE = "provenance.json";
    public static final String WARM_START = "warm-start";
    public static final String FROM_SCRATCH = "from-scratch";

    /**
     * Challenger against champion on the same held-out split.
     *
     * @param outcome             {@code promoted} or {@code kept}
     * @param championVersion     null when there was no champion
     * @param championAccuracy    the champion on the challenger's held-out split; null without a champion
     */
    public record Decision(String outcome, String reason, double challengerAccuracy, Integer championVersion,
                           Double championAccuracy, double margin) {
        public static final String PROMOTED = "promoted";
        public static final String KEPT = "kept";

        public Decision withOutcome(String newOutcome, String newReason) {
            return new Decision(newOutcome, newReason, challengerAccuracy, championVersion, championAccuracy, margin);
        }
    }

    public Provenance withDecision(Decision d, String newEnd) {
        return new Provenance(name, version, parentVersion, mode, lrFactor, baseLearningRate, learningRate, seed,
                data, codeVersion, sparkVersion, master, start, newEnd, d);
    }

    /** sparkcnn's version: the application jar's implementation version, or "development build". */
    public static String runningCodeVersion() {
        String own = Provenance.class.getPackage().getImplementationVersion();
        return own != null ? own : "development build";
    }
}
