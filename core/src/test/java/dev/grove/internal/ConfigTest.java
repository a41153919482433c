package dev.grove.internal;

import dev.grove.StoreException;
import org.junit.jupiter.api.Test;

import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Settings are parsed one way wherever they are used: seconds with fractions, sizes with k, m or g, flags as
 * true or false. Anything else is refused by the check a store's first open runs, naming the setting and its
 * value; a reader given it later (a release, the exit) uses the default instead of failing.
 */
class ConfigTest {
    @Test
    void secondsSizesAndFlagsParseOneWay() {
        assertEquals(500, with("grove.recycle.seconds", "0.5", Config::recycleIdleMillis));
        assertEquals(5000, with("grove.recycle.seconds", null, Config::recycleIdleMillis), "default");
        assertEquals(64L << 20, with("grove.warm.bytes", "64m", Config::warmBytes));
        assertEquals(3L << 30, with("grove.recycle.bytes", " 3G ", Config::recycleBytes));
        assertEquals(0, with("grove.reaper", "FALSE", () -> Config.reaper() ? 1 : 0));
        assertEquals(1, with("grove.reaper", "", () -> Config.reaper() ? 1 : 0), "blank counts as unset");
        assertEquals(-1, with(Config.DISK_THRESHOLD, null, Config::diskThreshold), "off when unset");
        assertEquals(1024, with(Config.DISK_THRESHOLD, "1k", Config::diskThreshold));
    }

    @Test
    void aValueThatDoesNotParseIsRefusedByTheCheckAndReadAsTheDefault() {
        refused("grove.lease.seconds", "sixty", Config::leaseMillis, 60_000);
        refused("grove.lease.seconds", "-1", Config::leaseMillis, 60_000);
        refused("grove.lease.seconds", "NaN", Config::leaseMillis, 60_000);
        refused("grove.recycle.bytes", "1t", Config::recycleBytes, 1L << 30);
        refused("grove.recycle.bytes", "-5", Config::recycleBytes, 1L << 30);
        refused("grove.reaper", "yes", () -> Config.reaper() ? 1 : 0, 1);
        refused("grove.lazy.writerWaitMillis", "1s", () -> Config.lazyWriterWaitMillis(10), 10);
    }

    /** The disk threshold is read by share and allocate, which may refuse: a bad one fails them, naming it. */
    @Test
    void aBadDiskThresholdFailsTheCallThatReadsIt() {
        for (String bad : new String[] {"99999999999g", "12x", "-1"}) {
            with(Config.DISK_THRESHOLD, bad, () -> {
                StoreException e = assertThrows(StoreException.class, Config::diskThreshold, bad);
                assertTrue(e.getMessage().contains(Config.DISK_THRESHOLD + "=" + bad), e.getMessage());
                assertThrows(StoreException.class, Config::check, "and the check names it too");
                return 0;
            });
        }
    }

    @Test
    void theCheckNamesEverySettingThatDoesNotParse() {
        long message = with("grove.warm.seconds", "two", () -> with("grove.checksum", "maybe", () -> {
            StoreException e = assertThrows(StoreException.class, Config::check);
            assertTrue(e.getMessage().contains("grove.warm.seconds=two"), e.getMessage());
            return e.getMessage().contains("grove.checksum=maybe") ? 1 : 0;
        }));
        assertEquals(1, message, "both settings named");
        Config.check(); // and nothing is refused once they are unset again
    }

    private static void refused(String property, String value, LongSupplier read, long byDefault) {
        with(property, value, () -> {
            StoreException e = assertThrows(StoreException.class, Config::check, property + "=" + value);
            assertTrue(e.getMessage().contains(property + "=" + value), e.getMessage());
            assertEquals(byDefault, read.getAsLong(), "read later, " + property + "=" + value + " gives the default");
            return 0;
        });
    }

    /** Reads a setting with {@code property} set to {@code value} (null: unset), restoring what was there. */
    private static long with(String property, String value, LongSupplier read) {
        String before = System.getProperty(property);
        try {
            if (value == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, value);
            }
            return read.getAsLong();
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }
}
