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

    /**
     * As {@link #slowly}, first appending one byte to the file {@code counter}: its size counts the elements
     * started, in this JVM and in worker JVMs alike, so that a test waits for work to be under way.
     */
    static long slowlyCounted(long i, int millis, String counter) {
        try {
            java.nio.file.Files.write(java.nio.file.Path.of(counter), new byte[1],
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return slowly(i, millis);
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
