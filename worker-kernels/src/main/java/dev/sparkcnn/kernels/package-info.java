/**
 * What one executor task runs, behind an engine-neutral seam: the Network interface and the engine
 * registry (NetworkFactory), model state, batching, and the partition trainer and evaluator the
 * driver calls.
 */
package dev.sparkcnn.kernels;
