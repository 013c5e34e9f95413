/** One class per CLI job ({@code train}, {@code evaluate}, {@code predict}, {@code report}, {@code retrain}) and what runs between rounds on the driver: logging, checkpoints, restarts, divergence. */
package dev.sparkcnn.driver.jobs;
