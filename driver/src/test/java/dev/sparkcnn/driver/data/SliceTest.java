package dev.sparkcnn.driver.data;

import dev.sparkcnn.datasets.format.DataFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SliceTest {

    @Test
    void slicesAreContiguousNearlyEqualAndCoverEveryRecordOnce() {
        List<DataFile> files = List.of(new DataFile("a", null, 7), new DataFile("b", null, 3),
                new DataFile("c", null, 13));
        for (int n = 1; n <= 23; n++) {
            List<Slice> slices = Slice.plan(files, n);
            assertEquals(n, slices.size());
            long min = slices.stream().mapToLong(Slice::records).min().orElseThrow();
            long max = slices.stream().mapToLong(Slice::records).max().orElseThrow();
            assertTrue(max - min <= 1, "sizes differ by more than one record for n=" + n);
            long next = 0;
            for (Slice s : slices) {
                for (Slice.Segment seg : s.segments()) {
                    assertEquals(next, global(files, seg), "gap or overlap at n=" + n);
                    next += seg.count();
                }
            }
            assertEquals(23, next);
        }
    }

    @Test
    void aSliceCanSpanFiles() {
        List<Slice> slices = Slice.plan(List.of(new DataFile("a", null, 5), new DataFile("b", null, 5)), 3);
        // 10 records in 3 slices: [0,3) [3,6) [6,10)
        assertEquals(List.of(new Slice.Segment(new DataFile("a", null, 5), 3, 2),
                new Slice.Segment(new DataFile("b", null, 5), 0, 1)), slices.get(1).segments());
    }

    private static long global(List<DataFile> files, Slice.Segment seg) {
        long offset = 0;
        for (DataFile f : files) {
            if (f.equals(seg.file())) {
                return offset + seg.first();
            }
            offset += f.records();
        }
        throw new AssertionError("unknown file");
    }
}
