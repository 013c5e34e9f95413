package dev.sparkcnn.kernels.model;

import java.util.List;
import java.util.Locale;

/**
 * The result of shape inference: per layer its output shape and parameter counts, the totals, and
 * the parameter layout, as {@link NetworkDefinition#summary} folds them.
 *
 * @param model   the definition's name
 * @param input   the input shape
 * @param classes the class count
 * @param rows    one per layer, in layout order (a residual block's layers, then the block)
 * @param layout  the flat parameter vector's arrays
 * @param output  the output shape
 */
public record NetworkSummary(String model, Shape input, int classes, List<Row> rows, ParamLayout layout,
                             Shape output) {

    public NetworkSummary {
        rows = List.copyOf(rows);
    }

    /**
     * One layer.
     *
     * @param index        its index ({@code 5.1} for the second layer of the residual block at 5)
     * @param layer        its type and settings
     * @param output       its output shape
     * @param trainable    parameters the optimizer trains
     * @param nonTrainable state it keeps outside the optimizer (batch-norm running statistics)
     */
    public record Row(String index, String layer, Shape output, long trainable, long nonTrainable) {
    }

    /** Parameters the optimizer trains. */
    public long trainable() {
        return rows.stream().mapToLong(Row::trainable).sum();
    }

    /** Values kept outside the optimizer. */
    public long nonTrainable() {
        return rows.stream().mapToLong(Row::nonTrainable).sum();
    }

    /** The summary table: layer, output shape, parameters; then the totals. */
    public String table() {
        int width = Math.max(5, rows.stream().mapToInt(r -> r.layer().length()).max().orElse(0));
        String format = "%-7s %-" + width + "s %-12s %12s%n";
        StringBuilder out = new StringBuilder();
        out.append("model ").append(model).append(", input ").append(input).append(", ").append(classes)
                .append(" classes\n");
        out.append(String.format(Locale.ROOT, format, "layer", "type", "output", "parameters"));
        for (Row row : rows) {
            String params = count(row.trainable()) + (row.nonTrainable() == 0 ? "" : " +" + count(row.nonTrainable()));
            out.append(String.format(Locale.ROOT, format, row.index(), row.layer(), row.output(), params));
        }
        out.append(String.format(Locale.ROOT, "total: %s trainable, %s non-trainable (batch-norm statistics), %s "
                + "values in the parameter vector%n", count(trainable()), count(nonTrainable()),
                count(layout.numParams())));
        return out.toString();
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
