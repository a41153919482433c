package dev.grove.parallel;

/** A JVM that starts a pool of two workers, prints their pids and waits to be killed. */
public final class PoolParent {
    private PoolParent() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("ready " + ProcessHandle.current().pid());
        WorkerPool pool = WorkerPool.start(2);
        StringBuilder b = new StringBuilder("workers");
        for (long pid : pool.pids()) {
            b.append(' ').append(pid);
        }
        System.out.println(b);
        System.out.flush();
        Thread.sleep(600_000);
    }
}
