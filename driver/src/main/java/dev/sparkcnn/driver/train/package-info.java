/** The training strategies (driver side and executor side of each together), the round loop they share, and what they report per round. */
package dev.sparkcnn.driver.train;
