/** Distributed evaluation: per-partition prediction counts from the executors, aggregated on the driver into accuracies and a confusion matrix. */
package dev.sparkcnn.driver.eval;
