package dev.sparkcnn.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SeedsTest {

    private static List<Integer> range(int n) {
        return new ArrayList<>(IntStream.range(0, n).boxed().toList());
    }

    @Test
    void mixIsDeterministicAndOrderSensitive() {
        assertEquals(Seeds.mix(1, 2, 3), Seeds.mix(1, 2, 3));
        assertNotEquals(Seeds.mix(1, 2), Seeds.mix(2, 1));
        assertNotEquals(Seeds.mix(1), Seeds.mix(1, 0));
        assertNotEquals(Seeds.mix(0), Seeds.mix());
    }

    @Test
    void mixSpreadsNeighbouringInputs() {
        Set<Long> seen = new HashSet<>();
        for (long p = 0; p < 1000; p++) {
            seen.add(Seeds.mix(42, 0, p));
        }
        assertEquals(1000, seen.size());
        // one flipped input bit flips about half the output bits
        int flipped = Long.bitCount(Seeds.mix(42, 0, 0) ^ Seeds.mix(42, 0, 1));
        assertEquals(32, flipped, 16);
    }

    @Test
    void mixIsPinned() {
        // Every split and shuffle derives from mix: change it deliberately.
        assertEquals(0x0FF75F8662D9D273L, Seeds.mix(42, 0, 0));
    }

    @Test
    void randomStreamsDependOnlyOnTheirCoordinates() {
        Random a = Seeds.random(7, 1, 2);
        Random b = Seeds.random(7, 1, 2);
        Random otherPartition = Seeds.random(7, 1, 3);
        long first = a.nextLong();
        assertEquals(first, b.nextLong());
        assertNotEquals(first, otherPartition.nextLong());
    }

    @Test
    void shuffleIsDeterministicPermutationAndDependsOnEpoch() {
        List<Integer> a = range(50);
        List<Integer> b = range(50);
        List<Integer> nextEpoch = range(50);
        Seeds.shuffle(a, 9, 0, 1);
        Seeds.shuffle(b, 9, 0, 1);
        Seeds.shuffle(nextEpoch, 9, 1, 1);

        assertEquals(a, b);
        assertNotEquals(a, nextEpoch);
        assertNotEquals(range(50), a);
        assertEquals(new HashSet<>(range(50)), new HashSet<>(a));
    }

    @Test
    void shuffleGivesTheSameOrderForLinkedLists() {
        List<Integer> array = range(30);
        List<Integer> linked = new LinkedList<>(range(30));
        Seeds.shuffle(array, 5, 2, 3);
        Seeds.shuffle(linked, 5, 2, 3);
        assertEquals(array, linked);
    }
}
