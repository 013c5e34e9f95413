/** The configuration of a run: immutable, validated values with their defaults, read from and written to {@code config.json}. */
package dev.sparkcnn.driver.config;
