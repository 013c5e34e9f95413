/**
 * What a run shows in Spark's own tools: job groups and descriptions for every round's Spark job
 * (web UI, event log), and a source in Spark's metrics system with the round's figures (any
 * configured sink: CSV, JMX, Prometheus servlet).
 */
package dev.sparkcnn.driver.metrics;
