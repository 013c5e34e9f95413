package dev.sparkcnn.driver.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The strategies by name: how each one's settings are made from the strategy fields. The one place
 * a strategy name is looked up; {@code train.Strategies} registers further ones together with
 * their factory.
 */
public final class StrategyRegistry {
    private static final Map<String, Function<StrategyFields, ? extends StrategySettings>> BY_NAME =
            new LinkedHashMap<>();

    static {
        register(ParameterAveragingSettings.NAME, ParameterAveragingSettings::from);
        register(AllReduceAveragingSettings.NAME, AllReduceAveragingSettings::from);
        register(GradientSharingSettings.NAME, GradientSharingSettings::from);
    }

    private StrategyRegistry() {
    }

    /** Adds a strategy; its name must be new. */
    public static synchronized void register(String name, Function<StrategyFields, ? extends StrategySettings> from) {
        if (BY_NAME.containsKey(name)) {
            throw new IllegalStateException("strategy '" + name + "' is registered already");
        }
        BY_NAME.put(name, from);
    }

    /** The registered names, built-in ones first. */
    public static synchronized List<String> names() {
        return new ArrayList<>(BY_NAME.keySet());
    }

    /** The settings of the strategy {@code fields} names. @throws ConfigException naming {@code --strategy} */
    public static StrategySettings settings(StrategyFields fields) {
        Function<StrategyFields, ? extends StrategySettings> from;
        synchronized (StrategyRegistry.class) {
            from = BY_NAME.get(fields.strategy());
        }
        Choices.require(from != null, "--strategy", "'" + fields.strategy() + "' is not a known strategy; use one of "
                + String.join(", ", names()));
        return from.apply(fields);
    }
}
