package dev.grove.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A 32-bit fingerprint of this boot of this machine: a hash of {@code /proc/sys/kernel/random/boot_id},
 * which the kernel makes up afresh at every boot. References carry it, so one made on another machine or
 * before a reboot is refused by name instead of failing as a missing region (or, worse, finding a region
 * that happens to have the same name).
 */
public final class BootMark {
    /** Where the kernel publishes the boot id. */
    static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    private static final int HERE = read();

    private BootMark() {
    }

    /** This boot's fingerprint; 0 if the kernel does not say (then nothing is checked). */
    public static int here() {
        return HERE;
    }

    /** The fingerprint of a boot id as the kernel prints it. */
    static int of(String bootId) {
        long h = Hashing.fnv1a(bootId.trim().getBytes(StandardCharsets.US_ASCII));
        int mark = (int) (h ^ (h >>> 32));
        return mark == 0 ? 1 : mark; // 0 means "unknown" on the wire
    }

    private static int read() {
        try {
            return of(Files.readString(BOOT_ID));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
