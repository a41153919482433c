package dev.grove.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The idle rule of the pools of spares and kept mappings ({@link IdleDrops}), on a manual clock: an entry goes
 * once it has been idle for longer than the idle time, never before; one drop task is pending however many
 * entries are kept (keeping an entry must not wake a thread); entries kept later go at their own time.
 */
class IdleDropsTest {
    private static final long IDLE = 5_000;

    private record Entry(String name, long since) {
    }

    private final ManualTime time = new ManualTime();
    private final RegionLock lock = new RegionLock();
    private final List<String> dropped = new ArrayList<>();
    private final IdleDrops<Entry> drops = new IdleDrops<>(Entry::since, e -> null, this::drop, () -> IDLE,
            time.clock, time, lock);

    private void drop(Entry e) {
        drops.remove(e.name());
        dropped.add(e.name());
    }

    private void keep(String name) {
        lock.lock();
        try {
            drops.put(name, new Entry(name, time.clock.now()));
        } finally {
            lock.unlock();
        }
    }

    @Test
    void anEntryGoesOnceIdleForLongerThanTheIdleTimeAndNotBefore() {
        keep("a");
        time.advance(IDLE - 1);
        assertEquals(List.of(), dropped, "idle for less than the idle time");
        time.advance(200);
        assertEquals(List.of("a"), dropped, "idle for longer than the idle time");
    }

    @Test
    void oneDropIsPendingHoweverManyEntriesAreKept() {
        for (int i = 0; i < 100; i++) {
            keep("e" + i);
        }
        assertEquals(1, time.pending(), "drop tasks pending for 100 entries");
        time.advance(IDLE + 100);
        assertEquals(100, dropped.size());
        assertEquals(0, time.pending(), "nothing left to drop, nothing scheduled");
    }

    @Test
    void anEntryKeptLaterGoesAtItsOwnTime() {
        keep("early");
        time.advance(3_000);
        keep("late");
        time.advance(IDLE - 3_000 + 100);
        assertEquals(List.of("early"), dropped, "the later entry has been idle for 2.1 s only");
        time.advance(3_000);
        assertEquals(List.of("early", "late"), dropped, "the drop of the early one scheduled the next");
    }

    @Test
    void keepingAnEntryWithoutTheRegionLockFails() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> drops.put("x", new Entry("x", time.clock.now())));
        assertTrue(e.getMessage().contains("region lock"), e.getMessage());
    }
}
