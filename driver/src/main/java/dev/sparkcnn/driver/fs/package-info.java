/** The Hadoop file-system handle that travels to executors inside task closures; the lowest package of the driver, used by data, store, registry and jobs. */
package dev.sparkcnn.driver.fs;
