/** The {@code bench} commands: benchmarks that run real training and print figures (kernels, scaling, strategies). */
package dev.sparkcnn.driver.bench;
