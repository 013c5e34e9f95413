package dev.sparkcnn.driver.jobs;

/**
 * Recognises a run that diverged (a task's loss became NaN or infinite; the trainers throw
 * {@link IllegalStateException} with "loss became ...", which reaches the driver wrapped in Spark's
 * exceptions, often only as text) and says so in one message that names the last good checkpoint.
 * A diverged run is never retried: the same state and data would diverge again.
 */
final class Divergence {
    private static final String MARKER = "loss became ";

    private Divergence() {
    }

    /**
     * An exception saying that the run diverged; any other {@code e} is rethrown unchanged (Spark's
     * job failures are checked exceptions that Java code sees undeclared).
     */
    static RuntimeException explain(Exception e, String lastCheckpoint) {
        String cause = cause(e);
        if (cause == null) {
            throw Divergence.<RuntimeException>rethrow(e);
        }
        return new IllegalStateException("training stopped: the " + cause + "; " + (lastCheckpoint == null
                ? "no checkpoint was written before it" : "the last good checkpoint is " + lastCheckpoint), e);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Exception> T rethrow(Exception e) throws T {
        throw (T) e;
    }

    /** "loss became NaN at step ... ; lower the learning rate", or null. */
    static String cause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage());
            int i = m.indexOf(MARKER);
            if (i >= 0) {
                return m.substring(i).lines().findFirst().orElse("").trim();
            }
        }
        return null;
    }
}
