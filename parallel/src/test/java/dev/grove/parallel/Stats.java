package dev.grove.parallel;

/** Functions the tests apply in parallel: a planted failure and a slow identity. */
final class Stats {
    private Stats() {
    }

    static long failIf137(long i) {
        if (i == 137) {
            throw new ArithmeticException("planted failure at 137");
        }
        return i;
    }

    /** The process and thread running the call. */
    static String whoAmI() {
        return ProcessHandle.current().pid() + "/" + Thread.currentThread().getName() + "@" + Thread.currentThread().threadId();
    }

    /** Returns {@code i}, except at {@code at}, where it ends its JVM at once (a crash, as the parent sees it). */
    static long haltAt(long i, long at) {
        if (i == at) {
            Runtime.getRuntime().halt(3);
        }
        return i;
    }

    static long slowly(long i, int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return i;
    }
}
