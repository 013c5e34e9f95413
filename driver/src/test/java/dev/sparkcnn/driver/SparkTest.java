package dev.sparkcnn.driver;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class of the {@code spark} tier: it starts Spark on a local master (itself, through the
 * CLI, or by asking for a {@code JavaSparkContext} parameter, which {@link LocalSpark} shares across
 * the class and always stops). Select the tier with {@code mvn verify -Dtier=spark}; {@code
 * -Dtier=unit} leaves these out.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("spark")
@ExtendWith(LocalSpark.class)
public @interface SparkTest {
}
