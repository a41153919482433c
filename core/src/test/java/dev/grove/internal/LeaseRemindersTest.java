package dev.grove.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Lease reminders ({@link LeaseReminders}) on a manual clock: a reminder runs when the lease ends, not before,
 * under the region lock; a region released again and again under one lease leaves one reminder, another lease
 * end gets its own; a lease that has already ended gets one at once.
 */
class LeaseRemindersTest {
    private final ManualTime time = new ManualTime();
    private final RegionLock lock = new RegionLock();
    private final LeaseReminders reminders = new LeaseReminders(time.clock, time, lock);
    private final List<String> checked = new ArrayList<>();
    /** Never opened: the reminders only carry it to the check. */
    private final StoreDir store = null;

    private void remind(String name, long leaseEnd) {
        reminders.remind(store, name, leaseEnd, (s, n) -> {
            lock.require();
            checked.add(n);
        });
    }

    @Test
    void aReminderRunsWhenTheLeaseEndsNotBefore() {
        long end = time.clock.now() + 60_000;
        remind("r", end);
        time.advance(60_000 - 1);
        assertEquals(List.of(), checked, "the lease still runs");
        assertEquals(end, reminders.pendingUntil("r"));
        time.advance(1 + LeaseReminders.MARGIN_MILLIS);
        assertEquals(List.of("r"), checked, "the lease has ended");
        assertEquals(-1, reminders.pendingUntil("r"), "done, no longer pending");
    }

    @Test
    void releasesUnderOneLeaseLeaveOneReminderAndAnotherEndGetsItsOwn() {
        long end = time.clock.now() + 3_000;
        for (int i = 0; i < 1000; i++) {
            remind("r", end);
        }
        assertEquals(1, time.pending(), "reminders for 1000 releases under one lease");
        remind("r", end + 1_000); // the lease moved: the earlier reminder would find the file kept
        assertEquals(2, time.pending());
        time.advance(10_000);
        assertEquals(List.of("r", "r"), checked);
    }

    @Test
    void aLeaseThatHasEndedGetsAReminderAtOnce() {
        remind("r", time.clock.now() - 1);
        assertEquals(1, time.pending(), "a reminder, though the lease is over");
        time.advance(LeaseReminders.MARGIN_MILLIS);
        assertEquals(List.of("r"), checked, "run at once, not at some later sweep");
    }

    @Test
    void pendingRemindersAreThereForTheExit() {
        remind("a", time.clock.now() + 1_000);
        remind("b", time.clock.now() + 2_000);
        List<String> seen = new ArrayList<>();
        reminders.forEach((s, n) -> seen.add(n));
        seen.sort(null);
        assertEquals(List.of("a", "b"), seen, "what the exit sweeps");
    }
}
