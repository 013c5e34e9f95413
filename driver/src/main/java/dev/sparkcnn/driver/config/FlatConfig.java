package dev.sparkcnn.driver.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.sparkcnn.datasets.Augmentation;
import dev.sparkcnn.kernels.optim.LrScaling;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The one place that knows {@code config.json}'s layout: one flat object, every field always
 * written, in the order the files written since the first release have; each field maps to the
 * part of {@link TrainingConfig} that owns it. A missing or null field takes its part's default;
 * an unknown field is an error.
 */
public final class FlatConfig {

    /** One field of the flat layout: how it is read into a builder and where its value comes from. */
    private record Field(String name, BiConsumer<TrainingConfigBuilder, JsonNode> read,
                         Function<TrainingConfig, Object> write, boolean writtenWhenSet) {
    }

    private static final Map<String, Field> FIELDS = new LinkedHashMap<>();

    static {
        field("data", (b, n) -> b.data(text(n)), c -> c.data().path());
        field("format", (b, n) -> b.format(DataFormat.of(text(n))), c -> id(c.data().format()));
        field("labelSet", (b, n) -> b.labelSet(LabelSet.of(text(n))), c -> id(c.data().labelSet()));
        field("imageSize", (b, n) -> b.imageSize(integer(n)), c -> c.data().imageSize());
        field("onBadRecord", (b, n) -> b.onBadRecord(BadRecordPolicy.of(text(n))), c -> id(c.data().onBadRecord()));
        field("model", (b, n) -> b.model(text(n)), c -> c.model().name());
        field("engine", (b, n) -> b.engine(Engine.of(text(n))), c -> c.model().engine().id());
        field("strategy", (b, n) -> b.strategy(text(n)), c -> c.strategy().name());
        field("master", (b, n) -> b.master(text(n)), c -> c.run().master());
        field("partitions", (b, n) -> b.partitions(integer(n)), c -> c.run().partitions());
        field("epochs", (b, n) -> b.epochs(integer(n)), c -> c.run().epochs());
        field("batchSize", (b, n) -> b.batchSize(integer(n)), c -> c.model().batchSize());
        field("averagingFrequency", (b, n) -> b.averagingFrequency(integer(n)),
                c -> c.strategy().fields().averagingFrequency());
        field("testFraction", (b, n) -> b.testFraction(number(n)), c -> c.data().testFraction());
        field("seed", (b, n) -> b.seed(longInteger(n)), c -> c.run().seed());
        field("learningRate", (b, n) -> b.learningRate(number(n)), c -> c.model().learningRate());
        field("threadsPerTask", (b, n) -> b.threadsPerTask(integer(n)), c -> c.run().threadsPerTask());
        field("out", (b, n) -> b.out(text(n)), c -> c.output().out());
        field("overwrite", (b, n) -> b.overwrite(bool(n)), c -> c.output().overwrite());
        field("optimizer", (b, n) -> b.optimizer(ModelSettings.optimizer(text(n))),
                c -> c.model().optimizer() == null ? null : c.model().optimizer().id());
        field("exchange", (b, n) -> b.exchange(GradientExchange.of(text(n))),
                c -> c.strategy().fields().exchange().id());
        field("thresholdDensity", (b, n) -> b.thresholdDensity(number(n)),
                c -> c.strategy().fields().thresholdDensity());
        field("verifyReplicas", (b, n) -> b.verifyReplicas(bool(n)), c -> c.strategy().fields().verifyReplicas());
        field("augment", (b, n) -> b.augmentation(DataSettings.augmentation(text(n))),
                c -> c.data().augmentation().id());
        field("normalize", (b, n) -> b.normalize(text(n)), c -> c.data().normalize());
        field("checkpointDir", (b, n) -> b.checkpointDir(text(n)), c -> c.output().checkpointDir());
        field("checkpointEvery", (b, n) -> b.checkpointEvery(integer(n)), c -> c.output().checkpointEvery());
        field("initFrom", (b, n) -> b.initFrom(text(n)), c -> c.warmStart().initFrom());
        field("lrFactor", (b, n) -> b.lrFactor(number(n)), c -> c.warmStart().lrFactor());
        field("restarts", (b, n) -> b.restarts(integer(n)), c -> c.run().restarts());
        // Added after the first release: written only when set, so files without them read and write back unchanged.
        fieldWhenSet("storage", (b, n) -> b.storage(Storage.of(text(n))), c -> id(c.run().storage()));
        fieldWhenSet("validateEvery", (b, n) -> b.validateEvery(integer(n)), c -> c.validation().validateEvery());
        fieldWhenSet("keepBest", (b, n) -> b.keepBest(bool(n)), c -> c.validation().keepBest());
        fieldWhenSet("weightDecay", (b, n) -> b.weightDecay(number(n)), c -> c.optimization().weightDecay());
        fieldWhenSet("labelSmoothing", (b, n) -> b.labelSmoothing(number(n)), c -> c.optimization().labelSmoothing());
        fieldWhenSet("lrSchedule", (b, n) -> b.lrSchedule(text(n)), c -> c.optimization().schedule().decay());
        fieldWhenSet("lrGamma", (b, n) -> b.lrGamma(number(n)), c -> c.optimization().schedule().gamma());
        fieldWhenSet("lrStepEvery", (b, n) -> b.lrStepEvery(integer(n)), c -> c.optimization().schedule().stepEvery());
        fieldWhenSet("lrMilestones", (b, n) -> b.lrMilestones(integers(n, "--lr-milestones")),
                c -> c.optimization().schedule().milestones());
        fieldWhenSet("lrFloor", (b, n) -> b.lrFloor(number(n)), c -> c.optimization().schedule().floor());
        fieldWhenSet("warmupEpochs", (b, n) -> b.warmupEpochs(integer(n)),
                c -> c.optimization().schedule().warmupEpochs());
        fieldWhenSet("warmupSteps", (b, n) -> b.warmupSteps(integer(n)), c -> c.optimization().schedule().warmupSteps());
        fieldWhenSet("lrScaling", (b, n) -> b.lrScaling(lrScaling(text(n))),
                c -> c.optimization().lrScaling() == null ? null : c.optimization().lrScaling().id());
    }

    private FlatConfig() {
    }

    /** The field names, in the order they are written. */
    public static List<String> names() {
        return new ArrayList<>(FIELDS.keySet());
    }

    /** The flat JSON object of {@code config}. */
    public static ObjectNode write(TrainingConfig config) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        for (Field f : FIELDS.values()) {
            Object value = f.write().apply(config);
            if (value != null || !f.writtenWhenSet()) {
                node.set(f.name(), Json.MAPPER.valueToTree(value));
            }
        }
        return node;
    }

    /**
     * The configuration a flat object describes.
     *
     * @throws ConfigException       naming the option whose value is wrong
     * @throws IllegalArgumentException for an unknown field or a value of the wrong JSON type
     */
    public static TrainingConfig read(JsonNode node) {
        if (!(node instanceof ObjectNode)) {
            throw new IllegalArgumentException("expected a JSON object of settings, got " + node.getNodeType());
        }
        TrainingConfigBuilder b = new TrainingConfigBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Field f = FIELDS.get(e.getKey());
            if (f == null) {
                throw new IllegalArgumentException("unknown field \"" + e.getKey() + "\"; the fields are "
                        + String.join(", ", FIELDS.keySet()));
            }
            if (!e.getValue().isNull()) {
                f.read().accept(b, e.getValue());
            }
        }
        return b.build();
    }

    static TrainingConfigBuilder builderOf(TrainingConfig config) {
        TrainingConfigBuilder b = new TrainingConfigBuilder();
        ObjectNode node = write(config);
        for (Field f : FIELDS.values()) {
            JsonNode value = node.get(f.name());
            if (value != null && !value.isNull()) {
                f.read().accept(b, value);
            }
        }
        return b;
    }

    private static void field(String name, BiConsumer<TrainingConfigBuilder, JsonNode> read,
                              Function<TrainingConfig, Object> write) {
        FIELDS.put(name, new Field(name, read, write, false));
    }

    private static void fieldWhenSet(String name, BiConsumer<TrainingConfigBuilder, JsonNode> read,
                                     Function<TrainingConfig, Object> write) {
        FIELDS.put(name, new Field(name, read, write, true));
    }

    private static String id(Choices.Named value) {
        return value == null ? null : value.id();
    }

    private static String text(JsonNode n) {
        if (!n.isTextual()) {
            throw new IllegalArgumentException("expected a string, got " + n);
        }
        return n.asText();
    }

    private static Integer integer(JsonNode n) {
        if (n.isIntegralNumber() && n.canConvertToInt()) {
            return n.intValue();
        }
        try {
            return Integer.valueOf(text(n).trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected a whole number, got " + n);
        }
    }

    /** A JSON array of whole numbers, or a string of them separated by commas ({@code "30,60"}). */
    private static List<Integer> integers(JsonNode n, String option) {
        List<Integer> values = new ArrayList<>();
        try {
            if (n.isArray()) {
                n.forEach(v -> values.add(integer(v)));
            } else {
                for (String part : text(n).split(",", -1)) {
                    values.add(Integer.valueOf(part.trim()));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(option + " expects whole numbers separated by commas, e.g. 30,60, got " + n);
        }
        return values;
    }

    private static LrScaling lrScaling(String id) {
        Choices.require(LrScaling.ids().contains(id), "--lr-scaling", "'" + id + "' is not a learning-rate scaling; "
                + "use one of " + String.join(", ", LrScaling.ids()));
        return LrScaling.of(id);
    }

    private static Long longInteger(JsonNode n) {
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        try {
            return Long.valueOf(text(n).trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected a whole number, got " + n);
        }
    }

    private static Double number(JsonNode n) {
        if (n.isNumber()) {
            return n.doubleValue();
        }
        try {
            return Double.valueOf(text(n).trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected a number, got " + n);
        }
    }

    private static Boolean bool(JsonNode n) {
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        throw new IllegalArgumentException("expected true or false, got " + n);
    }

    /** Jackson writes a {@link TrainingConfig} as its flat object. */
    static final class Writer extends StdSerializer<TrainingConfig> {
        private static final long serialVersionUID = 1L;

        Writer() {
            super(TrainingConfig.class);
        }

        @Override
        public void serialize(TrainingConfig value, JsonGenerator gen, SerializerProvider provider)
                throws IOException {
            gen.writeTree(write(value));
        }
    }

    /** Jackson reads a {@link TrainingConfig} from its flat object. */
    static final class Reader extends StdDeserializer<TrainingConfig> {
        private static final long serialVersionUID = 1L;

        Reader() {
            super(TrainingConfig.class);
        }

        @Override
        public TrainingConfig deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode node = ctxt.readTree(p); // not p.readValueAsTree(): that checks for trailing tokens inside an enclosing object
            try {
                return read(node);
            } catch (ConfigException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw JsonMappingException.from(p, e.getMessage(), e);
            }
        }
    }
}
