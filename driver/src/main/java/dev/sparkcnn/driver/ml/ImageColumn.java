package dev.sparkcnn.driver.ml;

import dev.sparkcnn.datasets.InvalidDataException;
import dev.sparkcnn.driver.config.ConfigException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.image.ImageSchema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One image column of a DataFrame and how to turn its values into the CHW RGB uint8 pixels of an
 * {@link dev.sparkcnn.datasets.ImageRecord}, the layout every model here is trained on. Spark's
 * image data source stores row-major HWC in OpenCV's BGR(A) order, so its values are transposed
 * and their channels reversed (alpha dropped); binary and array columns must already be CHW RGB.
 */
final class ImageColumn implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The column types this reads. */
    enum Kind { IMAGE_STRUCT, BINARY, INT_ARRAY, DOUBLE_ARRAY }

    private final String name;
    private final Kind kind;

    private ImageColumn(String name, Kind kind) {
        this.name = name;
        this.kind = kind;
    }

    /**
     * The column {@code name} of {@code schema}, if its type is one this reads.
     *
     * @throws ConfigException naming the column and what is wrong with it
     */
    static ImageColumn of(StructType schema, String name) {
        List<String> columns = Arrays.asList(schema.fieldNames());
        if (!columns.contains(name)) {
            throw new ConfigException("CnnClassifier imageCol '" + name + "': no such column; the DataFrame has "
                    + columns);
        }
        DataType type = schema.apply(name).dataType();
        Kind kind;
        if (type instanceof StructType struct) {
            checkImageStruct(name, struct);
            kind = Kind.IMAGE_STRUCT;
        } else if (type instanceof BinaryType) {
            kind = Kind.BINARY;
        } else if (type instanceof ArrayType array && array.elementType().equals(DataTypes.IntegerType)) {
            kind = Kind.INT_ARRAY;
        } else if (type instanceof ArrayType array && array.elementType().equals(DataTypes.DoubleType)) {
            kind = Kind.DOUBLE_ARRAY;
        } else {
            throw new ConfigException("CnnClassifier imageCol '" + name + "' has type " + type.simpleString()
                    + "; expected Spark's image struct (spark.read.format(\"image\")), binary, array<int> or "
                    + "array<double> of CHW RGB pixels 0..255");
        }
        return new ImageColumn(name, kind);
    }

    private static void checkImageStruct(String name, StructType struct) {
        for (StructField expected : ImageSchema.columnSchema().fields()) {
            List<String> fields = Arrays.asList(struct.fieldNames());
            if (!fields.contains(expected.name())
                    || !struct.apply(expected.name()).dataType().equals(expected.dataType())) {
                throw new ConfigException("CnnClassifier imageCol '" + name + "' is a struct but not Spark's image "
                        + "schema: field " + expected.name() + " (" + expected.dataType().simpleString()
                        + ") is missing or has another type; got " + struct.simpleString());
            }
        }
    }

    String name() {
        return name;
    }

    Kind kind() {
        return kind;
    }

    /**
     * The CHW RGB pixels of one value, for a network expecting {@code channels x height x width}.
     *
     * @throws InvalidDataException if the value is null, of another size or has pixel values outside 0..255
     */
    byte[] pixels(Row row, int field, int channels, int height, int width) {
        if (row.isNullAt(field)) {
            throw new InvalidDataException("CnnClassifier imageCol '" + name + "': a row has a null image");
        }
        int size = channels * height * width;
        return switch (kind) {
            case IMAGE_STRUCT -> fromImageStruct(row.getStruct(field), channels, height, width);
            case BINARY -> checkSize((byte[]) row.get(field), size, channels, height, width);
            case INT_ARRAY -> fromInts(row.getList(field), size, channels, height, width);
            case DOUBLE_ARRAY -> fromDoubles(row.getList(field), size, channels, height, width);
        };
    }

    private byte[] fromImageStruct(Row image, int channels, int height, int width) {
        int h = image.getInt(image.fieldIndex("height"));
        int w = image.getInt(image.fieldIndex("width"));
        int n = image.getInt(image.fieldIndex("nChannels"));
        byte[] data = (byte[]) image.get(image.fieldIndex("data"));
        String origin = image.getString(image.fieldIndex("origin"));
        boolean channelsFit = n == channels || (n == 4 && channels == 3);
        if (h != height || w != width || !channelsFit) {
            throw new InvalidDataException("CnnClassifier imageCol '" + name + "': image " + origin + " is " + w + "x"
                    + h + " with " + n + " channel(s), but the model takes " + width + "x" + height + " with "
                    + channels + "; resize the images first");
        }
        if (data == null || data.length != h * w * n) {
            throw new InvalidDataException("CnnClassifier imageCol '" + name + "': image " + origin + " holds "
                    + (data == null ? 0 : data.length) + " bytes, not " + h + "x" + w + "x" + n
                    + " (only 8-bit image modes are supported)");
        }
        byte[] chw = new byte[channels * height * width];
        int plane = height * width;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < channels; c++) {
                // BGR(A) -> RGB: channel c of ours is channel (channels - 1 - c) of OpenCV's
                chw[c * plane + i] = data[i * n + (channels - 1 - c)];
            }
        }
        return chw;
    }

    private byte[] checkSize(byte[] pixels, int size, int channels, int height, int width) {
        if (pixels.length != size) {
            throw wrongSize(pixels.length, channels, height, width);
        }
        return pixels;
    }

    private byte[] fromInts(List<Integer> values, int size, int channels, int height, int width) {
        if (values.size() != size) {
            throw wrongSize(values.size(), channels, height, width);
        }
        byte[] pixels = new byte[size];
        for (int i = 0; i < size; i++) {
            Integer v = values.get(i);
            if (v == null || v < 0 || v > 255) {
                throw badValue(String.valueOf(v));
            }
            pixels[i] = (byte) v.intValue();
        }
        return pixels;
    }

    private byte[] fromDoubles(List<Double> values, int size, int channels, int height, int width) {
        if (values.size() != size) {
            throw wrongSize(values.size(), channels, height, width);
        }
        byte[] pixels = new byte[size];
        for (int i = 0; i < size; i++) {
            Double v = values.get(i);
            if (v == null || !(v >= 0 && v <= 255) || v != Math.rint(v)) {
                throw badValue(String.valueOf(v));
            }
            pixels[i] = (byte) v.intValue();
        }
        return pixels;
    }

    private InvalidDataException wrongSize(int got, int channels, int height, int width) {
        return new InvalidDataException("CnnClassifier imageCol '" + name + "': an image has " + got
                + " values, expected " + channels + "x" + height + "x" + width + " = " + channels * height * width
                + " (CHW), the input shape of the model");
    }

    private InvalidDataException badValue(String value) {
        return new InvalidDataException("CnnClassifier imageCol '" + name + "': pixel value " + value
                + " is not a whole number in 0..255 (raw pixels are expected, not normalised ones)");
    }
}
