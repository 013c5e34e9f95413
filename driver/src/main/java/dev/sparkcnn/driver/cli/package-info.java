/** The picocli commands: option parsing, help text and exit statuses; each command hands a validated configuration to a job in {@code jobs}. */
package dev.sparkcnn.driver.cli;
