package dev.sparkcnn.driver.config;

import static dev.sparkcnn.driver.config.Choices.require;

/**
 * Evaluating the held-out split while training runs.
 *
 * @param validateEvery evaluate the held-out split after every N epochs and after the last; null =
 *                      every epoch ({@link #DEFAULT_VALIDATE_EVERY}); 0 = only once, after training
 * @param keepBest      write the state of the epoch with the best held-out accuracy (the earliest
 *                      of equals) as the model, rather than the last epoch's; null = false
 */
public record ValidationSettings(Integer validateEvery, Boolean keepBest) {
    public static final int DEFAULT_VALIDATE_EVERY = 1;
    /** Every epoch, the last epoch's state as the model. */
    public static final ValidationSettings DEFAULT = new ValidationSettings(null, null);

    public ValidationSettings {
        require(validateEvery == null || validateEvery >= 0, "--validate-every",
                "must be a number of epochs >= 1 (or 0: only after training), got " + validateEvery);
        require(!Boolean.TRUE.equals(keepBest) || validateEvery == null || validateEvery > 0, "--keep-best",
                "chooses among the epochs the held-out split was evaluated after; it needs --validate-every >= 1, "
                        + "not 0");
    }

    /** Epochs between two evaluations; 0 when off. */
    public int every() {
        return validateEvery == null ? DEFAULT_VALIDATE_EVERY : validateEvery;
    }

    /** Whether the best epoch's state is the model. */
    public boolean keepsBest() {
        return Boolean.TRUE.equals(keepBest);
    }

    /** Whether the held-out split is evaluated after {@code epoch} (1-based) of {@code epochs}. */
    public boolean validatesAfter(int epoch, int epochs) {
        int n = every();
        return n > 0 && (epoch % n == 0 || epoch == epochs);
    }
}
