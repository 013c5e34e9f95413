package dev.sparkcnn.driver.ml;

import dev.sparkcnn.driver.config.ConfigException;
import java.util.Arrays;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/** Schema rules shared by the estimator and the model: the label column in, the two columns out. */
final class ModelOutput {
    private ModelOutput() {
    }

    /** @throws ConfigException if the label column is missing or not numeric */
    static void checkLabel(StructType schema, String labelCol) {
        if (!Arrays.asList(schema.fieldNames()).contains(labelCol)) {
            throw new ConfigException("CnnClassifier labelCol '" + labelCol + "': no such column; the DataFrame has "
                    + Arrays.toString(schema.fieldNames()));
        }
        if (!(schema.apply(labelCol).dataType() instanceof NumericType)) {
            throw new ConfigException("CnnClassifier labelCol '" + labelCol + "' has type "
                    + schema.apply(labelCol).dataType().simpleString() + "; expected a numeric class index "
                    + "0, 1, ... (index string labels with StringIndexer first)");
        }
    }

    /**
     * The schema with the prediction (double) and probability (ml Vector) columns appended.
     *
     * @throws ConfigException if either column already exists
     */
    static StructType appendTo(StructType schema, String predictionCol, String probabilityCol) {
        for (String[] out : new String[][] {{"predictionCol", predictionCol}, {"probabilityCol", probabilityCol}}) {
            if (Arrays.asList(schema.fieldNames()).contains(out[1])) {
                throw new ConfigException("CnnClassifier " + out[0] + " '" + out[1] + "': the DataFrame already has "
                        + "a column of that name; choose another name");
            }
        }
        if (predictionCol.equals(probabilityCol)) {
            throw new ConfigException("CnnClassifier predictionCol and probabilityCol are both '" + predictionCol
                    + "'; give them different names");
        }
        return schema.add(predictionCol, DataTypes.DoubleType, false)
                .add(probabilityCol, SQLDataTypes.VectorType(), true); // null for a kept invalid row
    }
}
