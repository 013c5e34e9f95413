package dev.sparkcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class NativeRuntimeTest {

    @Test
    void setsThreadsAndFloatDefaults() {
        NativeRuntime.configureThreads(1);
        NativeRuntime.configureThreads(1); // idempotent
        assertEquals(DataType.FLOAT, Nd4j.dataType());
        assertEquals(DataType.FLOAT, Nd4j.defaultFloatingPointType());
        String description = NativeRuntime.describe();
        assertTrue(description.contains("openmp 1,") && description.contains("blas 1,")
                && description.contains("dtype FLOAT"), description);
        assertThrows(IllegalArgumentException.class, () -> NativeRuntime.configureThreads(0));
    }

    @Test
    void describesTheNativeBuild() {
        String classifier = NativeRuntime.nativeClassifier();
        assertTrue(classifier.startsWith("linux-") || classifier.equals("unknown"), classifier);
        assertEquals(classifier.contains("onednn"), NativeRuntime.hasOneDnn(), NativeRuntime.buildInfo());
        assertTrue(NativeRuntime.describe().contains(classifier));
    }
}
