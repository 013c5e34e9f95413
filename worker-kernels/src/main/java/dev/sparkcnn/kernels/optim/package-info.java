/**
 * The optimizers and their update rules, with DL4J's semantics and state layouts, shared by both
 * engines.
 */
package dev.sparkcnn.kernels.optim;
