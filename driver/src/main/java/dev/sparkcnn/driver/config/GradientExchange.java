package dev.sparkcnn.driver.config;

import java.util.List;

/** What gradient-sharing replicas exchange every step ({@code --exchange}). */
public enum GradientExchange implements Choices.Named {
    /** The example-weighted gradient sum, by ring all-reduce: exact synchronous SGD. */
    DENSE("dense"),
    /** Each replica's own update, threshold-encoded with a residual. */
    THRESHOLD("threshold");

    private final String id;

    GradientExchange(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    public static List<String> ids() {
        return Choices.ids(values());
    }

    /** @throws ConfigException naming {@code --exchange} if the id is unknown */
    public static GradientExchange of(String id) {
        GradientExchange e = Choices.find(values(), id);
        Choices.require(e != null, "--exchange", "'" + id + "' is not a known exchange; use one of "
                + String.join(", ", ids()));
        return e;
    }
}
