package dev.sparkcnn.driver.config;

import java.util.List;

/** The dataset formats {@code --format} names; the locator detects one when none is given. */
public enum DatasetFormat implements Choices.Named {
    CIFAR10("cifar10"),
    CIFAR100("cifar100"),
    IDX("idx"),
    /** Image folders ({@code <dir>/<class>/*.png|jpg}), resized to a square on reading. */
    IMAGES("images");

    private final String id;

    DatasetFormat(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    /** Whether images are resized to {@code --image-size} on reading. */
    public boolean resizes() {
        return this == IMAGES;
    }

    /** Whether records carry a fine and a coarse label ({@code --label-set}). */
    public boolean hasLabelSets() {
        return this == CIFAR100;
    }

    public static List<String> ids() {
        return Choices.ids(values());
    }

    /** @throws ConfigException naming {@code --format} if the id is unknown */
    public static DatasetFormat of(String id) {
        DatasetFormat f = Choices.find(values(), id);
        Choices.require(f != null, "--format", "'" + id + "' is not a known format; use one of "
                + String.join(", ", ids()) + " (or omit it to detect the format from the files)");
        return f;
    }
}
