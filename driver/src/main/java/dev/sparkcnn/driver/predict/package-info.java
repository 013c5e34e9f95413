/** Predictions in one process without Spark, and the pictures of classification results ({@code predict --show}, the report's image grid). */
package dev.sparkcnn.driver.predict;
