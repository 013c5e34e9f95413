package dev.sparkcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
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

    @Test
    void refusesANativeBuildTheCpuCannotRun() {
        Set<String> avx2Only = Set.of("sse4_2", "fma", "avx", "avx2");
        String message = NativeRuntime.missingInstructionSet("linux-x86_64-onednn-avx512", avx2Only);
        assertTrue(message != null && message.contains("linux-x86_64-onednn-avx512") && message.contains("avx512f")
                && message.contains("-Dnd4j.classifier=linux-x86_64-onednn-avx2"), message);
        assertTrue(NativeRuntime.missingInstructionSet("linux-x86_64-avx2", Set.of("sse4_2", "avx"))
                .contains("-Dnd4j.classifier=linux-x86_64-onednn "));
        assertNull(NativeRuntime.missingInstructionSet("linux-x86_64-onednn-avx2", avx2Only));
        assertNull(NativeRuntime.missingInstructionSet("linux-x86_64-onednn-avx512", Set.of("avx2", "avx512f")));
        assertNull(NativeRuntime.missingInstructionSet("linux-x86_64-onednn", Set.of("sse2")));
        // this machine runs the build it was tested with (else this test would not get here)
        NativeRuntime.checkCpuRunsNatives();
        if (new java.io.File("/proc/cpuinfo").canRead()) {
            assertTrue(NativeRuntime.cpuFlags().contains("sse2"), NativeRuntime.cpuFlags().toString());
        }
    }
}
