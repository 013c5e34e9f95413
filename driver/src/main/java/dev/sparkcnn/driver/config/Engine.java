package dev.sparkcnn.driver.config;

import dev.sparkcnn.kernels.NetworkFactory;
import java.util.List;

/** The network implementation ({@code --engine}); its id is the one {@link NetworkFactory} builds by. */
public enum Engine implements Choices.Named {
    DL4J(NetworkFactory.DL4J),
    NATIVE(NetworkFactory.NATIVE);

    private final String id;

    Engine(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    public static List<String> ids() {
        return Choices.ids(values());
    }

    /** @throws ConfigException naming {@code --engine} if the id is unknown */
    public static Engine of(String id) {
        Engine e = Choices.find(values(), id);
        Choices.require(e != null, "--engine", "'" + id + "' is not a known engine; use one of "
                + String.join(", ", ids()));
        return e;
    }
}
