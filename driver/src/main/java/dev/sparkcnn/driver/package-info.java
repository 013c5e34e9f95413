/** The {@code sparkcnn} command line's entry point ({@code Main}); everything that touches Spark lives in the sub-packages. */
package dev.sparkcnn.driver;
