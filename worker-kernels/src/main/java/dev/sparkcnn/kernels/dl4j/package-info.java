/**
 * Engine dl4j: the models as Deeplearning4j MultiLayerNetworks on ND4J, NCHW.
 */
package dev.sparkcnn.kernels.dl4j;
