/**
 * Peer systems for {@code bench strategies --peers}: dl4j-spark 1.0.0-M2's training masters
 * training the DL4J engine's network on sparkcnn's data plan. Outside the application jar.
 */
package dev.sparkcnn.peers;
