package dev.grove;

import dev.grove.test.Leaks;
import dev.grove.test.RegionFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Arrays longer than 2^31 elements, written in place without a heap copy. */
class LargeArrayTest {

    @Test
    void arrayLongerThanTwoToThe31() {
        long n = (1L << 31) + 16;
        Path file;
        try (ArrayWriter<SharedByteArray> w = Grove.allocate(SharedByteArray.class, n)) {
            assertEquals(n, w.length());
            w.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            w.segment().set(ValueLayout.JAVA_BYTE, 1L << 31, (byte) 2);
            w.segment().set(ValueLayout.JAVA_BYTE, n - 1, (byte) 3);
            try (SharedByteArray a = w.seal()) {
                file = RegionFiles.fileOf(a);
                assertEquals(n, a.length());
                assertEquals(Integer.MAX_VALUE, a.size(), "size() saturates as Collection requires");
                assertEquals(2, a.getByte(1L << 31));
                assertEquals(3, a.getByte(n - 1));
                assertThrows(IndexOutOfBoundsException.class, () -> a.getByte(n));
                assertThrows(IllegalStateException.class, w::segment, "no writes after sealing");
                try (SharedByteArray again = Grove.map(a.path())) {
                    assertEquals(3, again.getByte(n - 1));
                    assertArrayEquals(new byte[] {0, 0, 3}, again.toByteArray(n - 3, 3));
                }
            }
        }
        assertFalse(Files.exists(file), "released on close");
    }

    @Test
    void unsealedWriterLeavesNothing() {
        Path file;
        try (ArrayWriter<SharedDoubleArray> w = Grove.allocate(SharedDoubleArray.class, 1000)) {
            w.segment().setAtIndex(ValueLayout.JAVA_DOUBLE, 3, 1.5);
            file = Path.of(dev.grove.internal.StoreDir.defaultStore().directory().toString(),
                    dev.grove.internal.Regions.mappedHere().getLast());
        }
        assertFalse(Files.exists(file), "discarded without sealing");
        assertThrows(IllegalArgumentException.class, () -> Grove.allocate(SharedDoubleArray.class, -1));
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }
}
