package dev.sparkcnn.driver.ml;

import dev.sparkcnn.driver.config.Json;
import dev.sparkcnn.driver.fs.HadoopConf;
import dev.sparkcnn.driver.spark.SparkRuntime;
import dev.sparkcnn.driver.store.ModelDirectory;
import dev.sparkcnn.driver.store.SavedModel;
import dev.sparkcnn.driver.train.TrainingRun;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A trained {@link CnnClassifier}: {@link #transform} appends the predicted class index and the
 * class probabilities. Saved as Spark's params metadata plus, under {@code model/}, an ordinary
 * sparkcnn model directory ({@link ModelDirectory}), so {@code sparkcnn predict --model-dir
 * <path>/model} reads it too and the float32 state round-trips bit for bit.
 */
public final class CnnClassificationModel extends Model<CnnClassificationModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    /** The sparkcnn model directory inside a saved model's path. */
    public static final String MODEL_DIR = "model";

    private final String uid;
    private final SavedModel saved;
    private final Param<String> imageCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final IntParam predictionBatchSize;

    CnnClassificationModel(String uid, SavedModel saved) {
        this.uid = uid;
        this.saved = saved;
        imageCol = CnnParams.imageCol(this);
        predictionCol = CnnParams.predictionCol(this);
        probabilityCol = CnnParams.probabilityCol(this);
        predictionBatchSize = CnnParams.predictionBatchSize(this);
        setDefault(imageCol, CnnParams.DEFAULT_IMAGE_COL);
        setDefault(predictionCol, CnnParams.DEFAULT_PREDICTION_COL);
        setDefault(probabilityCol, CnnParams.DEFAULT_PROBABILITY_COL);
        setDefault(predictionBatchSize, CnnParams.DEFAULT_PREDICTION_BATCH);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The trained network, its input shape, classes, normalization and state. */
    public SavedModel savedModel() {
        return saved;
    }

    public int numClasses() {
        return saved.spec().numClasses();
    }

    public Param<String> imageCol() { return imageCol; }
    public Param<String> predictionCol() { return predictionCol; }
    public Param<String> probabilityCol() { return probabilityCol; }
    public IntParam predictionBatchSize() { return predictionBatchSize; }

    public CnnClassificationModel setImageCol(String v) {
        set(imageCol, v);
        return this;
    }

    public CnnClassificationModel setPredictionCol(String v) {
        set(predictionCol, v);
        return this;
    }

    public CnnClassificationModel setProbabilityCol(String v) {
        set(probabilityCol, v);
        return this;
    }

    public CnnClassificationModel setPredictionBatchSize(int v) {
        set(predictionBatchSize, v);
        return this;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        ImageColumn.of(schema, $(imageCol));
        return ModelOutput.appendTo(schema, $(predictionCol), $(probabilityCol));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema(), true);
        Dataset<Row> df = dataset.toDF();
        ImageColumn image = ImageColumn.of(df.schema(), $(imageCol));
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext());
        TrainingRun run = new TrainingRun(saved.spec(), saved.engine(), saved.normalization(),
                (Integer) $(predictionBatchSize), 1, saved.spec().seed(), SparkRuntime.taskCpus(sc));
        // Not destroyed: the result is lazy; Spark's ContextCleaner removes it once unreferenced.
        Broadcast<float[]> params = sc.broadcast(saved.state().params());
        return df.mapPartitions(new PartitionPredictor(run, params, image, df.schema().fieldIndex($(imageCol))),
                Encoders.row(out));
    }

    @Override
    public CnnClassificationModel copy(ParamMap extra) {
        CnnClassificationModel copy = copyValues(new CnnClassificationModel(uid, saved), extra);
        return parent() == null ? copy : copy.setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<CnnClassificationModel> read() {
        return new Reader();
    }

    public static CnnClassificationModel load(String path) {
        return read().load(path);
    }

    /** Spark's params metadata, then the sparkcnn model directory (itself written atomically). */
    private static final class Writer extends MLWriter {
        private final CnnClassificationModel instance;

        Writer(CnnClassificationModel instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(instance, path, sc(), DefaultParamsWriter.saveMetadata$default$4(),
                    DefaultParamsWriter.saveMetadata$default$5());
            SavedModel saved = instance.saved;
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("source", "spark-ml " + CnnClassifier.class.getSimpleName() + " " + instance.uid());
            config.put("model", saved.spec().model());
            config.put("engine", saved.engine());
            config.put("seed", saved.spec().seed());
            config.put("learningRate", saved.spec().learningRate());
            ModelDirectory.write(new HadoopConf(sc().hadoopConfiguration()), path + "/" + MODEL_DIR, false, saved,
                    Json.write(config), "{}");
        }
    }

    private static final class Reader extends MLReader<CnnClassificationModel> {
        @Override
        public CnnClassificationModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sc(),
                    CnnClassificationModel.class.getName());
            SavedModel saved = ModelDirectory.read(new HadoopConf(sc().hadoopConfiguration()),
                    path + "/" + MODEL_DIR);
            CnnClassificationModel model = new CnnClassificationModel(metadata.uid(), saved);
            metadata.getAndSetParams(model, metadata.getAndSetParams$default$2());
            return model;
        }
    }
}
