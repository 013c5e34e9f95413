/**
 * Synchronous replicas: the rendezvous, the ring all-reduce, the update codecs and the lock-step
 * trainer of the gradient-sharing strategy.
 */
package dev.sparkcnn.kernels.sync;
