package dev.sparkcnn.driver.ml;

import dev.sparkcnn.driver.SparkTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkcnn.datasets.ImageRecord;
import dev.sparkcnn.datasets.SyntheticCifar;
import dev.sparkcnn.driver.config.ConfigException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Labels checked row by row, and handleInvalid (error / skip / keep) for fit and transform. */
@SparkTest
class InvalidRowsSparkTest {
    private static JavaSparkContext sc;
    private static SparkSession spark;
    private static List<ImageRecord> records;
    private static CnnClassificationModel model;

    @BeforeAll
    static void fitOnce(JavaSparkContext context) {
        sc = context;
        spark = SparkSession.builder().getOrCreate();
        Random rnd = new Random(5);
        records = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            records.add(SyntheticCifar.generate(i % 10, rnd));
        }
        model = new CnnClassifier().setModel("simple-cnn").setEpochs(1).setBatchSize(16).setPartitions(1)
                .fit(frame(records, null, -1));
    }


    @Test
    void labelsAreCheckedRowByRowWhereTheRecordsAreMade() {
        // the driver's summary is bypassed: the executors' conversion alone must refuse label 12 of 10 classes
        Dataset<Row> df = frame(records.subList(0, 8), 3, 12);
        ImageColumn image = ImageColumn.of(df.schema(), "image");
        Exception e = assertThrows(Exception.class, () -> TrainingRecords.of(df, image, "label",
                new int[] {3, 32, 32, 10}, 1, false));
        assertTrue(String.valueOf(e.getMessage()).contains("label 12 is not a class index 0..9"), e.getMessage());
        TrainingRecords kept = TrainingRecords.of(df, image, "label", new int[] {3, 32, 32, 10}, 1, true);
        try {
            assertEquals(7, kept.total(), "skip leaves the bad row out");
        } finally {
            kept.release();
        }
    }

    @Test
    void fitWithSkipLeavesInvalidRowsOut() {
        List<Row> rows = new ArrayList<>(rows(records, -1, -1));
        rows.add(RowFactory.create(records.get(0).pixels(), null));
        rows.add(RowFactory.create(records.get(1).pixels(), -3));
        rows.add(RowFactory.create(records.get(2).pixels(), 25));
        rows.add(RowFactory.create(Arrays.copyOf(records.get(3).pixels(), 100), 3));
        Dataset<Row> df = spark.createDataFrame(sc.parallelize(rows, 1), schema());
        CnnClassifier cnn = new CnnClassifier().setModel("simple-cnn").setEpochs(1).setBatchSize(16)
                .setPartitions(1).setNumClasses(10);
        assertThrows(ConfigException.class, () -> cnn.fit(df), "error (the default) refuses them");
        CnnClassificationModel fitted = cnn.setHandleInvalid("skip").fit(df);
        assertEquals(10, fitted.numClasses());
        assertThrows(ConfigException.class, () -> cnn.setHandleInvalid("keep").fit(df));
    }

    @Test
    void transformErrorsSkipsOrKeepsAnUnreadableImage() {
        List<Row> rows = rows(records.subList(0, 6), -1, -1);
        rows.set(1, RowFactory.create(Arrays.copyOf(records.get(1).pixels(), 100), 1));
        rows.set(4, RowFactory.create(null, 4));
        Dataset<Row> df = spark.createDataFrame(sc.parallelize(rows, 1), schema());

        Exception e = assertThrows(Exception.class, () -> model.setHandleInvalid("error").transform(df).collect());
        assertTrue(String.valueOf(e.getMessage()).contains("an image has 100 values"), e.getMessage());

        List<Row> skipped = model.setHandleInvalid("skip").transform(df).collectAsList();
        assertEquals(List.of(0, 2, 3, 5), skipped.stream().map(r -> r.getInt(1)).toList());

        List<Row> kept = model.setHandleInvalid("keep").transform(df).collectAsList();
        assertEquals(List.of(0, 1, 2, 3, 4, 5), kept.stream().map(r -> r.getInt(1)).toList(), "order kept");
        assertTrue(Double.isNaN(kept.get(1).getDouble(2)) && kept.get(1).isNullAt(3));
        assertTrue(Double.isNaN(kept.get(4).getDouble(2)) && kept.get(4).isNullAt(3));
        assertTrue(kept.get(0).getDouble(2) >= 0 && !kept.get(0).isNullAt(3));
    }

    private static StructType schema() {
        return new StructType().add("image", DataTypes.BinaryType, true).add("label", DataTypes.IntegerType, true);
    }

    /** Rows (image, label); row {@code badRow}'s label replaced by {@code badLabel} (-1: none). */
    private static List<Row> rows(List<ImageRecord> list, int badRow, int badLabel) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            rows.add(RowFactory.create(list.get(i).pixels(), i == badRow ? badLabel : list.get(i).label()));
        }
        return rows;
    }

    private static Dataset<Row> frame(List<ImageRecord> list, Integer badRow, int badLabel) {
        return spark.createDataFrame(sc.parallelize(rows(list, badRow == null ? -1 : badRow, badLabel), 1),
                schema());
    }
}
