/**
 * Engine dl4j: network definitions as Deeplearning4j ComputationGraphs on ND4J, NCHW, with the
 * state in the definition's layout; the DL4J configurations exporters and peer benchmarks build.
 */
package dev.sparkcnn.kernels.dl4j;
