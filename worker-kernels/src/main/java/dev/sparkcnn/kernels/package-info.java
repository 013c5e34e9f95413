/** What runs inside one executor task, without the Spark API: the network seam both engines implement, batches, partition training and evaluation. */
package dev.sparkcnn.kernels;
