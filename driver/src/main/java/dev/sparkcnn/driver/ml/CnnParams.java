package dev.sparkcnn.driver.ml;

import dev.sparkcnn.driver.config.ConfigException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import scala.runtime.AbstractFunction1;

/**
 * The {@code Param}s that {@link CnnClassifier} and {@link CnnClassificationModel} share, built in
 * one place so both validate and document them identically (Java cannot mix in Scala's shared-param
 * traits). Spark's {@code Params.copyValues} copies them from estimator to model by name.
 */
final class CnnParams {
    static final String DEFAULT_IMAGE_COL = "image";
    static final String DEFAULT_LABEL_COL = "label";
    static final String DEFAULT_PREDICTION_COL = "prediction";
    static final String DEFAULT_PROBABILITY_COL = "probability";
    static final int[] DEFAULT_IMAGE_SHAPE = {3, 32, 32};
    static final int DEFAULT_PREDICTION_BATCH = 64;
    /** handleInvalid: fail on the first invalid row (the default). */
    static final String ERROR = "error";
    /** handleInvalid: drop invalid rows. */
    static final String SKIP = "skip";
    /** handleInvalid, transform only: keep an invalid row, with prediction NaN and probability null. */
    static final String KEEP = "keep";

    private CnnParams() {
    }

    static Param<String> imageCol(Params parent) {
        return new Param<>(parent, "imageCol", "input column of images: Spark's image data source struct "
                + "(origin, height, width, nChannels, mode, data), or binary / array<int> / array<double> "
                + "raw CHW RGB pixels 0..255 of imageShape", notBlank());
    }

    static Param<String> labelCol(Params parent) {
        return new Param<>(parent, "labelCol", "input column: class index 0, 1, ... (any numeric type)", notBlank());
    }

    static Param<String> predictionCol(Params parent) {
        return new Param<>(parent, "predictionCol", "output column: the predicted class index (double)", notBlank());
    }

    static Param<String> probabilityCol(Params parent) {
        return new Param<>(parent, "probabilityCol", "output column: the class probabilities (ml Vector)",
                notBlank());
    }

    static IntParam predictionBatchSize(Params parent) {
        return new IntParam(parent, "predictionBatchSize", "images per network call when transforming (> 0)",
                ParamValidators.gtEq(1));
    }

    static Param<String> handleInvalid(Params parent) {
        return new Param<>(parent, "handleInvalid", "what to do with an invalid row (a missing or out-of-range "
                + "label, an image that cannot be read as imageShape): 'error' fails, 'skip' drops the row, 'keep' "
                + "(transform only) keeps it with prediction NaN and probability null",
                ParamValidators.inArray(new String[] {ERROR, SKIP, KEEP}));
    }

    static IntArrayParam imageShape(Params parent) {
        return new IntArrayParam(parent, "imageShape", "channels, height, width of binary and array image "
                + "columns (image data source columns carry their own)", new ShapeValidator());
    }

    /** Fails with a message naming the param and the allowed values (Spark's own says only "invalid"). */
    static String oneOf(String param, String value, List<String> allowed) {
        if (value == null || !allowed.contains(value)) {
            throw new ConfigException("CnnClassifier " + param + " '" + value + "' is not supported; use one of "
                    + String.join(", ", allowed));
        }
        return value;
    }

    /**
     * A catalogue model's name or a definition file's path, checked by reading it.
     *
     * @throws ConfigException naming the param and what is wrong with the value
     */
    static String model(String value) {
        try {
            dev.sparkcnn.kernels.model.ModelCatalogue.definition(value);
        } catch (RuntimeException e) {
            throw new ConfigException("CnnClassifier model '" + value + "': " + e.getMessage());
        }
        return value;
    }

    /** Spark's validator for the model param: a catalogue name or a readable definition file. */
    static AbstractFunction1<String, Object> modelValidator() {
        return new ModelValidator();
    }

    static int[] checkShape(int[] shape) {
        if (!new ShapeValidator().apply(shape)) {
            throw new ConfigException("CnnClassifier imageShape " + Arrays.toString(shape)
                    + " must be three positive numbers: channels (1 or 3), height, width");
        }
        return shape.clone();
    }

    private static NotBlank notBlank() {
        return new NotBlank();
    }

    /** A column name must not be empty. */
    private static final class NotBlank extends AbstractFunction1<String, Object> implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(String value) {
            return value != null && !value.isBlank();
        }
    }

    /** channels (1 or 3), height, width: all positive. */
    private static final class ShapeValidator extends AbstractFunction1<int[], Object> implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean apply(int[] s) {
            return s != null && s.length == 3 && (s[0] == 1 || s[0] == 3) && s[1] > 0 && s[2] > 0;
        }
    }

    private static final class ModelValidator extends AbstractFunction1<String, Object> implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean apply(String value) {
            try {
                dev.sparkcnn.kernels.model.ModelCatalogue.definition(value);
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }
    }
}
