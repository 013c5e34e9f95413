package dev.sparkcnn.driver.config;

/** Which CIFAR-100 labels are learned ({@code --label-set}). */
public enum LabelSet implements Choices.Named {
    FINE("fine"),
    COARSE("coarse");

    private final String id;

    LabelSet(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    /** @throws ConfigException naming {@code --label-set} if the id is unknown */
    public static LabelSet of(String id) {
        LabelSet s = Choices.find(values(), id);
        Choices.require(s != null, "--label-set", "'" + id + "' is not a CIFAR-100 label set; use fine (100 classes) "
                + "or coarse (20)");
        return s;
    }
}
