package dev.grove.parallel;

import java.io.PrintStream;

/**
 * Told how far a call has got, after each chunk of elements completes. Called from one of Grove's threads,
 * one call at a time and with {@code done} never decreasing; keep it quick.
 */
@FunctionalInterface
public interface ProgressListener {
    /**
     * Reports that {@code done} of the call's {@code total} elements have finished.
     *
     * @param done  elements finished so far
     * @param total elements in the call
     */
    void onProgress(long done, long total);

    /**
     * A one-line progress bar redrawn in place on {@code out} (a terminal: it uses carriage returns), e.g.
     * {@code [##########..........]  50%  5000/10000  1.2 s}; a line break once done.
     */
    static ProgressListener bar(PrintStream out) {
        long start = System.nanoTime();
        return (done, total) -> {
            int width = 30;
            int filled = total == 0 ? width : (int) (width * done / total);
            out.printf("\r[%s%s] %3d%%  %d/%d  %.1f s", "#".repeat(filled), ".".repeat(width - filled),
                    total == 0 ? 100 : 100 * done / total, done, total, (System.nanoTime() - start) / 1e9);
            if (done == total) {
                out.println();
            }
            out.flush();
        };
    }
}
