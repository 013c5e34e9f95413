/** Crash tests: a child JVM killed at named points of a write, and what it leaves read back. */
package dev.sparkcnn.driver.crash;
