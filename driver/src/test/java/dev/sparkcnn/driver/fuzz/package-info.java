/** Seeded, time-bounded fuzzing of the files the driver reads: mutations and the runner that checks each input. */
package dev.sparkcnn.driver.fuzz;
