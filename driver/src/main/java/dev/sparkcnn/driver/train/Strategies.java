package dev.sparkcnn.driver.train;

import dev.sparkcnn.driver.config.AllReduceAveragingSettings;
import dev.sparkcnn.driver.config.GradientSharingSettings;
import dev.sparkcnn.driver.config.ParameterAveragingSettings;
import dev.sparkcnn.driver.config.StrategyFields;
import dev.sparkcnn.driver.config.StrategyRegistry;
import dev.sparkcnn.driver.config.StrategySettings;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The one factory from a strategy's settings to the {@link TrainingStrategy} that runs it. A new
 * strategy is one class plus one {@link #register} line.
 */
public final class Strategies {
    private static final Map<Class<?>, Function<StrategySettings, TrainingStrategy>> FACTORIES = new HashMap<>();

    static {
        factory(ParameterAveragingSettings.class, s -> new ParameterAveraging(s.averagingFrequency()));
        factory(AllReduceAveragingSettings.class, AllReduceAveraging::new);
        factory(GradientSharingSettings.class, GradientSharing::new);
    }

    private Strategies() {
    }

    /**
     * Adds a strategy: its name (for {@code --strategy} and {@code config.json}), how its settings
     * are made from the strategy fields, and how it is made from its settings.
     */
    public static synchronized <S extends StrategySettings.Extension> void register(
            String name, Class<S> type, Function<StrategyFields, S> settings, Function<S, TrainingStrategy> create) {
        StrategyRegistry.register(name, settings);
        factory(type, create);
    }

    /** The strategy {@code settings} configure. */
    public static synchronized TrainingStrategy create(StrategySettings settings) {
        Function<StrategySettings, TrainingStrategy> create = FACTORIES.get(settings.getClass());
        if (create == null) {
            throw new IllegalArgumentException("no factory for strategy '" + settings.name() + "' ("
                    + settings.getClass().getName() + "); register it with Strategies.register");
        }
        return create.apply(settings);
    }

    private static <S extends StrategySettings> void factory(Class<S> type, Function<S, TrainingStrategy> create) {
        FACTORIES.put(type, s -> create.apply(type.cast(s)));
    }
}
