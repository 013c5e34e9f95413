package dev.sparkcnn.driver.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one Jackson mapper of the project: pretty, deterministic, strict about unknown fields. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(String json, Class<T> type, String source) {
        try {
            T value = MAPPER.readValue(json, type);
            if (value == null) {
                throw new ConfigException(source + ": null instead of a " + type.getSimpleName());
            }
            return value;
        } catch (IOException e) {
            if (e.getCause() instanceof ConfigException ce) {
                throw ce;
            }
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            throw new ConfigException(source + ": not a valid " + type.getSimpleName() + ": "
                    + cause.getMessage().lines().findFirst().orElse(""));
        }
    }
}
