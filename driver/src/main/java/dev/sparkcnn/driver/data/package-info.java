/** The data plan: finds and validates a dataset through Hadoop's FileSystem on the driver, and reads partitions of uint8 records on the executors into cached RDDs with a seeded per-partition train/test split. */
package dev.sparkcnn.driver.data;
