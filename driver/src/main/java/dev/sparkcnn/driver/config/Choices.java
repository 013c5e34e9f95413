package dev.sparkcnn.driver.config;

import java.util.Arrays;
import java.util.List;

/** Lookup of the enum constants a configuration option names by their id. */
final class Choices {
    /** An enum constant named in configuration by a short lower-case id. */
    interface Named {
        String id();
    }

    private Choices() {
    }

    /** The constant of {@code values} whose id is {@code id}; null if there is none. */
    static <E extends Named> E find(E[] values, String id) {
        for (E e : values) {
            if (e.id().equals(id)) {
                return e;
            }
        }
        return null;
    }

    static <E extends Named> List<String> ids(E[] values) {
        return Arrays.stream(values).map(Named::id).toList();
    }

    static void require(boolean ok, String option, String problem) {
        if (!ok) {
            throw new ConfigException(option + " " + problem);
        }
    }
}
