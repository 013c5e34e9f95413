package dev.sparkcnn.driver;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The shared Spark fixture of {@link SparkTest} classes: one {@code local[2]} context per test
 * class ({@link TestData#spark()}), made when a {@code @BeforeAll} or test method first asks for a
 * {@link JavaSparkContext} parameter and stopped after the class, whatever happened.
 */
public final class LocalSpark implements ParameterResolver, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LocalSpark.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == JavaSparkContext.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = classContext(context).getStore(NS);
        return store.getOrComputeIfAbsent("sc", key -> TestData.spark(), JavaSparkContext.class);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        JavaSparkContext sc = context.getStore(NS).remove("sc", JavaSparkContext.class);
        if (sc != null) {
            sc.stop();
        }
    }

    /** The class's context: a test method's parent, or the context a {@code @BeforeAll} method runs in. */
    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }
}
