package dev.sparkcnn.driver.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.sparkcnn.datasets.DatasetSpec;
import dev.sparkcnn.driver.config.ConfigException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What {@link CnnClassifier#fit} must know about its input before training, found in one Spark
 * aggregation on the driver: the label range (to size the output layer and reject labels that are
 * not class indices) and the image sizes (to reject a wrong shape before any task runs).
 */
final class InputSummary {
    private final String imageCol;
    private final String labelCol;
    private final long rows;
    private final Row r;
    private final ImageColumn image;

    private InputSummary(ImageColumn image, String labelCol, Row r) {
        this.image = image;
        this.imageCol = image.name();
        this.labelCol = labelCol;
        this.r = r;
        this.rows = r.getLong(0);
    }

    /** Runs the aggregation (one Spark job). */
    static InputSummary of(Dataset<Row> df, ImageColumn image, String labelCol) {
        Column label = col(labelCol);
        Column img = col(image.name());
        List<Column> aggs = new ArrayList<>(List.of(
                count(lit(1)),
                sum(when(label.isNull(), 1).otherwise(0)),
                sum(when(label.notEqual(floor(label)), 1).otherwise(0)),
                min(label).cast("double"),
                max(label).cast("double"),
                sum(when(img.isNull(), 1).otherwise(0))));
        if (image.kind() == ImageColumn.Kind.IMAGE_STRUCT) {
            for (String field : List.of("nChannels", "height", "width")) {
                aggs.add(min(img.getField(field)));
                aggs.add(max(img.getField(field)));
            }
        } else {
            Column values = image.kind() == ImageColumn.Kind.BINARY ? length(img) : size(img);
            aggs.add(min(when(img.isNotNull(), values)));
            aggs.add(max(when(img.isNotNull(), values)));
        }
        Row r = df.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
        return new InputSummary(image, labelCol, r);
    }

    /**
     * The number of classes: {@code numClasses} if given, else the largest label + 1.
     *
     * @throws ConfigException if a label is null, negative, not a whole number, or not below numClasses
     */
    int numClasses(Integer numClassesOrNull) {
        if (rows == 0) {
            throw new ConfigException("CnnClassifier: the training DataFrame has no rows");
        }
        long nulls = r.getLong(1);
        long fractional = r.isNullAt(2) ? 0 : r.getLong(2);
        double minLabel = r.getDouble(3);
        double maxLabel = r.getDouble(4);
        String which = "CnnClassifier labelCol '" + labelCol + "': ";
        if (nulls > 0) {
            throw new ConfigException(which + nulls + " of " + rows + " rows have no label (null)");
        }
        if (fractional > 0 || Double.isNaN(maxLabel) || Double.isNaN(minLabel)) {
            throw new ConfigException(which + "labels must be class indices 0, 1, 2, ...; " + fractional
                    + " rows have a label that is not a whole number");
        }
        if (minLabel < 0) {
            throw new ConfigException(which + "labels must be class indices 0, 1, 2, ...; found " + (long) minLabel);
        }
        if (numClassesOrNull != null) {
            if (maxLabel >= numClassesOrNull) {
                throw new ConfigException(which + "label " + (long) maxLabel + " is not below numClasses "
                        + numClassesOrNull + "; raise numClasses or leave it unset to use the largest label + 1");
            }
            return numClassesOrNull;
        }
        if (maxLabel >= 100_000) {
            throw new ConfigException(which + "the largest label is " + (long) maxLabel
                    + "; labels must be class indices 0 .. classes-1");
        }
        if (maxLabel < 1) {
            throw new ConfigException(which + "every label is 0; a classifier needs at least two classes "
                    + "(or set numClasses)");
        }
        return (int) maxLabel + 1;
    }

    /**
     * The shape of the images as channels, height, width: read from the image structs (which must all
     * have one size), or {@code imageShape} for binary and array columns (which every image must fill).
     *
     * @param shapeParam imageShape if set, null otherwise
     */
    int[] imageShape(int[] shapeParam) {
        String which = "CnnClassifier imageCol '" + imageCol + "': ";
        long nulls = r.getLong(5);
        if (nulls > 0) {
            throw new ConfigException(which + nulls + " of " + rows + " rows have no image (null)");
        }
        if (image.kind() == ImageColumn.Kind.IMAGE_STRUCT) {
            int[] lo = {r.getInt(6), r.getInt(8), r.getInt(10)};
            int[] hi = {r.getInt(7), r.getInt(9), r.getInt(11)};
            if (!Arrays.equals(lo, hi)) {
                throw new ConfigException(which + "the images differ in size (channels " + lo[0] + ".." + hi[0]
                        + ", height " + lo[1] + ".." + hi[1] + ", width " + lo[2] + ".." + hi[2]
                        + "); resize them to one size first");
            }
            if (lo[0] != 1 && lo[0] != 3 && lo[0] != 4) {
                throw new ConfigException(which + "images with " + lo[0] + " channels are not supported; use grey "
                        + "(1), BGR (3) or BGRA (4, alpha is dropped)");
            }
            int[] shape = {Math.min(lo[0], 3), lo[1], lo[2]};
            if (shapeParam != null && !Arrays.equals(shapeParam, shape)) {
                throw new ConfigException(which + "the images are " + describe(shape) + " but imageShape is "
                        + describe(shapeParam) + "; unset imageShape (image structs carry their own) or fix it");
            }
            return shape;
        }
        int[] shape = shapeParam != null ? shapeParam : CnnParams.DEFAULT_IMAGE_SHAPE;
        int expected = shape[0] * shape[1] * shape[2];
        int lo = r.getInt(6);
        int hi = r.getInt(7);
        if (lo != expected || hi != expected) {
            throw new ConfigException(which + "images have " + (lo == hi ? lo : lo + ".." + hi) + " values but "
                    + "imageShape " + describe(shape) + " needs " + expected + " (CHW); set imageShape to the "
                    + "images' channels, height and width");
        }
        return shape;
    }

    /** The dataset spec for a network: shape from the images, classes numbered. */
    DatasetSpec spec(int[] shapeParam, Integer numClassesOrNull) {
        int classes = numClasses(numClassesOrNull);
        int[] shape = imageShape(shapeParam);
        return new DatasetSpec(shape[0], shape[1], shape[2], DatasetSpec.numberedClasses(classes));
    }

    static String describe(int[] shape) {
        return shape[0] + "x" + shape[1] + "x" + shape[2];
    }
}
