/** Starting and stopping Spark for a job: the session with the settings sparkcnn needs, per-round broadcasts, and the watchdog for an application stopped from outside. */
package dev.sparkcnn.driver.spark;
