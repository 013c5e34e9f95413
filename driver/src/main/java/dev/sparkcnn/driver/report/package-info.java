/** {@code report.html} and its PNG charts, drawn from a model directory's {@code metrics.json}. */
package dev.sparkcnn.driver.report;
