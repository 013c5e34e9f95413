package dev.sparkcnn.driver.config;

/**
 * A configuration or usage error: the user must change an option. Never retried; the CLI prints
 * the message alone (no stack trace) and exits with status 2.
 */
public class ConfigException extends dev.sparkcnn.datasets.UsageException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
