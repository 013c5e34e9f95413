/** The executor-side collective of gradient sharing and all-reduce averaging: the task-to-task ring, the driver rendezvous that forms it, and the codecs of what travels on it. */
package dev.sparkcnn.kernels.sync;
