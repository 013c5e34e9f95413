/** sparkcnn as a Spark ML {@code Estimator}/{@code Model}, so a CNN is one stage of a {@code Pipeline}. */
package dev.sparkcnn.driver.ml;
