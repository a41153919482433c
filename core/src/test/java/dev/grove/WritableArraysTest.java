package dev.grove;

import dev.grove.test.ChildJvm;
import dev.grove.test.KernelLocks;
import dev.grove.test.Child;
import dev.grove.test.Leaks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Writable shared arrays: a region allocated by one process, written by several before it is sealed, then an
 * ordinary read-only region. Holds are checked with the kernel's locks; the creator seals only once every
 * other writer let go, and nobody maps it writable after that.
 */
class WritableArraysTest {
    private static final long PID = ProcessHandle.current().pid();

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }

    /** The acceptance case: two child JVMs write disjoint halves of a 100M-double array, the parent seals. */
    @Test
    void twoChildrenWriteDisjointHalvesAndTheCreatorSealsAndChecksEveryElement() {
        long n = Long.getLong("grove.test.writableLength", 100_000_000L);
        List<ChildJvm> children = ChildJvm.startAll(2, Child.class);
        try (ArrayWriter<SharedDoubleArray> w = Grove.allocate(SharedDoubleArray.class, n)) {
            SharedRef ref = w.writableRef();
            assertEquals(double.class, w.elementType());
            // Readers refuse it until it is sealed, naming why.
            RegionNotFoundException early = assertThrows(RegionNotFoundException.class, () -> Grove.map(ref));
            assertTrue(early.getMessage().contains("shared for writing"), early.getMessage());

            children.get(0).send("fill " + ref + " 0 " + n / 2);
            children.get(1).send("fill " + ref + " " + n / 2 + " " + n);
            for (ChildJvm c : children) {
                assertEquals("ok", c.expect("fill ", 300));
            }
            try (SharedDoubleArray v = w.seal()) {
                for (long i = 0; i < n; i++) {
                    if (v.getDouble(i) != i * 0.5 + 1) {
                        fail("element " + i + " = " + v.getDouble(i));
                    }
                }
                Grove.verify(v.path()); // the checksum was taken over what the children wrote
                // After sealing: no writable mapping anywhere, and the creator's writer is done.
                children.get(0).send("fill " + ref + " 0 1");
                String after = children.get(0).expect("", 60);
                assertTrue(after.startsWith("error RegionSealedException") && after.contains("sealed"), after);
                IllegalStateException mine = assertThrows(IllegalStateException.class, w::segment);
                assertTrue(mine.getMessage().contains("sealed"), mine.getMessage());
                assertThrows(RegionSealedException.class, () -> Grove.mapWritable(ref, SharedDoubleArray.class));
            }
        } finally {
            children.forEach(ChildJvm::close);
        }
    }

    @Test
    void theCreatorSealsOnlyOnceEveryOtherWriterLetGo() {
        try (ChildJvm child = ChildJvm.start(Child.class);
             ArrayWriter<SharedDoubleArray> w = Grove.allocate(SharedDoubleArray.class, 1000)) {
            child.expect("ready", 60);
            SharedRef ref = w.writableRef();
            child.send("hold-writable " + ref);
            assertEquals("1000", child.expect("hold-writable ", 60));
            Path file = RegionStore.defaultStore().file(ref.path());
            assertTrue(KernelLocks.lockedBy(child.pid(), file), "the kernel lists the child's lock");
            RegionInUseException busy = assertThrows(RegionInUseException.class, () -> w.seal(Duration.ofMillis(300)));
            assertTrue(busy.getMessage().contains("region=" + ref.path()), busy.getMessage());
            w.segment().setAtIndex(ValueLayout.JAVA_DOUBLE, 3, 7.0); // still writable after a refused seal
            child.send("close-writable");
            child.expect("close-writable ok", 60);
            assertFalse(KernelLocks.lockedBy(child.pid(), file));
            try (SharedDoubleArray v = w.seal()) {
                assertEquals(7.0, v.getDouble(3));
            }
        }
    }

    @Test
    void aWritableIntMatrixIsFilledByTwoProcesses() {
        int rows = 1000;
        int cols = 300;
        try (ChildJvm child = ChildJvm.start(Child.class);
             ArrayWriter<SharedMatrix> w = Grove.allocateMatrix(int.class, rows, cols)) {
            child.expect("ready", 60);
            SharedRef ref = w.writableRef();
            child.send("fill-matrix " + ref + " 0 " + rows / 2 + " " + rows);
            MemorySegment seg = w.segment();
            for (long r = rows / 2; r < rows; r++) {
                for (long c = 0; c < cols; c++) {
                    seg.setAtIndex(ValueLayout.JAVA_INT, r * cols + c, (int) (r * 1000 + c));
                }
            }
            assertEquals("ok", child.expect("fill-matrix ", 60));
            try (SharedMatrix m = w.seal()) {
                assertEquals(int.class, m.elementType());
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        assertEquals(r * 1000 + c, m.getInt(r, c), "row " + r + " col " + c);
                    }
                }
                SharedIntArray row = m.row(999);
                assertEquals(999_000 + 299, row.getInt(299));
            }
        }
    }

    @Test
    void wrongTypesAndRegionsNotSharedForWritingAreRefused() {
        try (SharedDoubleArray sealed = Grove.share(new double[] {1, 2});
             ArrayWriter<SharedLongArray> w = Grove.allocate(SharedLongArray.class, 10);
             ArrayWriter<SharedLongArray> unshared = Grove.allocate(SharedLongArray.class, 10)) {
            assertThrows(RegionSealedException.class, () -> Grove.mapWritable(sealed.ref(), SharedDoubleArray.class));
            SharedRef ref = w.writableRef();
            IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                    () -> Grove.mapWritable(ref, SharedDoubleArray.class));
            assertTrue(type.getMessage().contains("asked=SharedDoubleArray"), type.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Grove.mapWritable(ref, SharedMatrix.class));
            // The creator's own process may write through a second writer, which cannot seal.
            try (ArrayWriter<SharedLongArray> second = Grove.mapWritable(ref, SharedLongArray.class)) {
                second.segment().setAtIndex(ValueLayout.JAVA_LONG, 9, 99L);
                assertThrows(IllegalStateException.class, second::seal);
                assertThrows(IllegalStateException.class, second::writableRef);
                // A writer of this very process counts too: the creator does not seal under it.
                assertThrows(RegionInUseException.class, () -> w.seal(Duration.ofMillis(200)));
            }
            try (SharedLongArray v = w.seal()) {
                assertEquals(99L, v.getLong(9));
            }
            // A region being written but never handed out is not open to other writers.
            String name = regionOf(unshared);
            RegionNotFoundException notShared = assertThrows(RegionNotFoundException.class,
                    () -> Grove.mapWritable(SharedRef.of("/" + name, 0), SharedLongArray.class));
            assertTrue(notShared.getMessage().contains("not shared for writing"), notShared.getMessage());
        }
    }

    /** A region shared for writing stays a region (never a spare) while another process maps it writable. */
    @Test
    void aDiscardedRegionStaysWhileAnotherWriterMapsIt() {
        try (ChildJvm child = ChildJvm.start(Child.class)) {
            child.expect("ready", 60);
            ArrayWriter<SharedDoubleArray> w = Grove.allocate(SharedDoubleArray.class, 300_000); // spare-sized
            SharedRef ref = w.writableRef();
            Path file = RegionStore.defaultStore().file(ref.path());
            long ino = KernelLocks.inode(file);
            child.send("hold-writable " + ref);
            child.expect("hold-writable ", 60);
            w.close(); // the creator gives up without sealing
            assertEquals(ino, KernelLocks.inode(file), "still there under its own name: not recycled, not deleted");
            child.send("close-writable");
            child.expect("close-writable ok", 60);
            assertTrue(RegionStore.defaultStore().delete(ref.path()), "nobody holds it now; its lease alone is left");
            assertEquals(-1, KernelLocks.inode(file));
        }
    }

    /** The region {@code w} writes: the one being written here whose header is neither sealed nor shared. */
    private static String regionOf(ArrayWriter<?> w) {
        return dev.grove.internal.Regions.mappedHere().stream().filter(n -> {
            try {
                var h = dev.grove.internal.Regions.header(dev.grove.internal.StoreDir.defaultStore(), n);
                return !h.sealed() && !h.writable();
            } catch (RuntimeException | java.io.IOException e) {
                return false;
            }
        }).findFirst().orElseThrow();
    }
}
