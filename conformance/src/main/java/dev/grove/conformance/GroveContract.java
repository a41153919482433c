package dev.grove.conformance;

import dev.grove.ArrayWriter;
import dev.grove.Grove;
import dev.grove.RegionNotFoundException;
import dev.grove.RegionReleasedException;
import dev.grove.RegionStore;
import dev.grove.SharedByteArray;
import dev.grove.SharedDoubleArray;
import dev.grove.SharedList;
import dev.grove.SharedMap;
import dev.grove.SharedObject;
import dev.grove.SharedRef;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The checks every transport must pass, as plain methods that throw {@link AssertionError} on a
 * violation; {@link TransportProperties} runs them as JUnit 5 tests. Call them directly to test a
 * transport from another framework.
 */
public final class GroveContract {
    /** Wire bytes a shared object may cost, whatever its size. */
    public static final int MAX_REFERENCE_BYTES = 256;
    private static final ExecutorService TIMER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "grove-conformance");
        t.setDaemon(true);
        return t;
    });

    private GroveContract() {
    }

    private static void check(boolean ok, String transport, String what) {
        if (!ok) {
            throw new AssertionError("[" + transport + "] " + what);
        }
    }

    /** What arrives equals what was sent, for the root and every sub-path (up to {@code subPaths}). */
    public static void roundTrip(Transport t, Object graph, int subPaths) throws Exception {
        try (SharedObject view = Grove.share(graph)) {
            Object expected = Canonical.of(graph);
            Object back = t.roundTrip(view, UnaryOperator.identity());
            try {
                check(Objects.equals(expected, Canonical.of(back)), t.name(), "round trip changed the value at " + view.path());
            } finally {
                closeIfView(back);
            }
            int[] left = {subPaths};
            forEachSubPath(graph, "", left, (suffix, original) -> {
                try (SharedObject sub = Grove.map(view.path() + suffix)) {
                    if (sub == null) {
                        return;
                    }
                    Object subBack = t.roundTrip(sub, UnaryOperator.identity());
                    try {
                        check(Objects.equals(Canonical.of(original), Canonical.of(subBack)), t.name(),
                                "round trip changed the value at " + sub.path());
                        check(subBack instanceof SharedObject, t.name(), "a copy arrived instead of a view for the sub-view "
                                + sub.path() + ": " + describe(subBack));
                        check(((SharedObject) subBack).path().equals(sub.path()), t.name(),
                                "sub-view came back with another path: " + describe(subBack) + " for " + sub.path());
                    } finally {
                        closeIfView(subBack);
                    }
                }
            });
        }
    }

    /**
     * A shared object costs at most {@link #MAX_REFERENCE_BYTES} on the wire, the same for 10 and 10 million
     * elements, both ways. The request is measured on the wire; the reply is measured where the transport reports
     * its size ({@link Transport#lastReplyBytes()}), and in any case must decode to a view of the same region,
     * which a reply that carried a copy of the data cannot.
     */
    public static void size(Transport t) throws Exception {
        Wire small = wireBytes(t, new double[10]);
        Wire large = wireBytes(t, new double[10_000_000]);
        check(small.request() == large.request(), t.name(), "wire size depends on the data size: " + small.request()
                + " B for 10 doubles, " + large.request() + " B for 10 million");
        check(large.request() <= MAX_REFERENCE_BYTES, t.name(), "a shared object costs " + large.request()
                + " B on the wire, more than " + MAX_REFERENCE_BYTES);
        if (large.reply() >= 0) {
            check(large.reply() <= MAX_REFERENCE_BYTES && small.reply() == large.reply(), t.name(), "the reply depends on"
                    + " the data size: " + small.reply() + " B for 10 doubles, " + large.reply() + " B for 10 million"
                    + " (requests: " + large.request() + " B); the peer sends contents back, not a reference");
        }
        for (Wire w : List.of(small, large)) {
            check(w.copy() == null, t.name(), "the reply carried a copy of " + w.elements() + " doubles, not a reference"
                    + " (the request cost " + w.request() + " B): " + w.copy());
        }
    }

    /**
     * One call's bytes on the wire: the request's, and the reply's (-1 where the transport does not report it);
     * {@code copy} describes what came back if it was not a view of what was sent.
     */
    private record Wire(long elements, long request, long reply, String copy) {
    }

    private static Wire wireBytes(Transport t, double[] data) throws Exception {
        long[] request = {-1};
        try (SharedDoubleArray v = Grove.share(data)) {
            Object back = t.roundTrip(v, b -> {
                request[0] = b.length;
                return b;
            });
            try {
                boolean view = back instanceof SharedDoubleArray so && so.path().equals(v.path());
                return new Wire(data.length, request[0], t.lastReplyBytes(), view ? null : describe(back));
            } finally {
                closeIfView(back);
            }
        }
    }

    /**
     * What arrives is a view of the same region, not a copy, and refuses mutation the way the original
     * does.
     */
    public static void identity(Transport t, Object graph) throws Exception {
        try (SharedObject view = Grove.share(graph)) {
            Object back = t.roundTrip(view, UnaryOperator.identity());
            try {
                check(back instanceof SharedObject, t.name(), "a copy arrived instead of a view: " + describe(back));
                SharedObject b = (SharedObject) back;
                check(b.path().equals(view.path()), t.name(), "arrived with another path: " + b.path() + " for " + view.path());
                check(b.getClass() == view.getClass() && b.segment().byteSize() == view.segment().byteSize(),
                        t.name(), "arrived as another kind of view: " + describe(b));
                check(sameMutationFailure(view, b), t.name(), "mutation does not fail the same way on both sides");
            } finally {
                closeIfView(back);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static boolean sameMutationFailure(SharedObject a, SharedObject b) {
        return mutationFailure(a) == mutationFailure(b) && (mutationFailure(a) != null || !(a instanceof SharedList
                || a instanceof SharedMap));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Class<?> mutationFailure(SharedObject v) {
        try {
            if (v instanceof SharedList l) {
                l.add(null);
            } else if (v instanceof SharedMap m) {
                m.put("grove-conformance", null);
            } else {
                return null;
            }
        } catch (RuntimeException e) {
            return e.getClass();
        }
        return Void.class;
    }

    /**
     * A reference in flight keeps its region alive even if the sender lets go before the receiver maps it;
     * once both sides let go and the lease ends, no region file remains.
     */
    public static void lifetime(Transport t, long leaseMillis) throws Exception {
        plainCall(t, "lifetime");
        SharedDoubleArray view = Grove.share(new double[] {1, 2, 3});
        Path file = RegionStore.defaultStore().file(view.path());
        Object back;
        try {
            back = t.roundTrip(view, b -> {
                // The sender drops its only view while the bytes are on the wire.
                view.close();
                System.gc();
                sleep(100);
                return b;
            });
        } catch (Exception e) {
            // Only a missing region is a lease failure; anything else is the call failing, said as such.
            AssertionError failure = new AssertionError("[" + t.name() + "] " + (causedBy(e, RegionNotFoundException.class)
                    ? "a reference in flight died with its sender (no lease kept it): "
                    : "the call failed while the sender let go (not a lease failure): ") + e);
            failure.initCause(e);
            throw failure;
        }
        try {
            check(Objects.equals(List.of(1.0, 2.0, 3.0), Canonical.of(back)), t.name(),
                    "the lease did not keep the region until it was received: " + describe(back));
        } finally {
            closeIfView(back);
        }
        awaitLeaseEnd(file, leaseMillis);
        // Past the lease, only a holder keeps the file. Ten seconds more let a peer's close take effect.
        long deadline = System.currentTimeMillis() + 10_000;
        while (Files.exists(file) && System.currentTimeMillis() < deadline) {
            System.gc();
            RegionStore.defaultStore().sweep();
            sleep(100);
        }
        if (Files.exists(file)) {
            List<Long> holders = Holders.of(file); // a scan of /proc: once, for the verdict
            long me = ProcessHandle.current().pid();
            String who = Holders.describe(file);
            check(false, t.name(), holders.isEmpty() ? "region file left after both sides let go and its lease ended,"
                    + " with no holder: " + file : holders.equals(List.of(me)) ? "this process still holds " + file
                    + " after closing what it sent and what came back: the transport keeps a view it decoded here"
                    : "the peer keeps the region it decoded: " + file + " is held by " + who + " after the call"
                    + " returned and its lease ended; a peer must close every view it decodes once it has answered");
        }
    }

    /**
     * A consumed-once reference ({@link dev.grove.Delivery#ONCE}) crosses the transport with its ticket
     * intact: what comes back names what was sent (path, ticket, boot and store; the region id too, unless it
     * came back as 0, as reference bytes give it), maps once, and when that view is closed the region goes
     * back to its creator at once, whose next region of the same size is the same file (the same inode, as the
     * file system reports it); mapping the reference again is refused as stale.
     */
    public static void consumedOnce(Transport t) throws Exception {
        plainCall(t, "consumed once");
        double[] data = new double[1024]; // 8 KiB: large enough for its region to be kept for the next message
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 0.5;
        }
        SharedRef sent;
        Path file;
        Object inode;
        try (SharedDoubleArray view = Grove.share(data)) {
            sent = view.ref(dev.grove.Delivery.ONCE);
            file = RegionStore.defaultStore().file(view.path());
            inode = Files.getAttribute(file, "unix:ino");
        }
        check(sent.delivery() == dev.grove.Delivery.ONCE, t.name(), "the region took no consumed-once reference: " + sent);
        Object back = t.roundTrip(sent, UnaryOperator.identity());
        // Reference bytes carry the ticket in place of the region id, so the id may come back as 0.
        check(back instanceof SharedRef r && r.wireText().equals(sent.wireText())
                        && (r.regionId() == sent.regionId() || r.regionId() == 0), t.name(),
                "the reference came back changed (its ticket lost?): sent=" + sent + " back=" + back);
        try (SharedDoubleArray got = Grove.map((SharedRef) back)) {
            check(java.util.Arrays.equals(data, got.toDoubleArray()), t.name(), "wrong contents: " + describe(got));
        }
        try (SharedDoubleArray again = Grove.map(sent)) {
            throw new AssertionError("[" + t.name() + "] a consumed-once reference mapped twice: " + again.path());
        } catch (dev.grove.StaleReferenceException expected) {
            // released: the region is its creator's again
        }
        try (SharedDoubleArray next = Grove.share(data)) {
            check(next.path().equals(sent.path()) && inode.equals(Files.getAttribute(file, "unix:ino")), t.name(),
                    "the released region did not carry the next one: released=" + sent.path() + " next=" + next.path());
        }
    }

    /**
     * Random damage to a reference on the wire (its {@linkplain SharedRef#toBytes() reference bytes}, or its
     * path text and id, found in the bytes; anywhere if the transport encodes both unrecognisably) yields a failure the transport documents, or the original
     * value; never another exception, a wrong value or a hang.
     *
     * @return whether the damage produced a documented failure (rather than the original value)
     */
    public static boolean corruption(Transport t, Object graph, long seed, int flips) throws Exception {
        plainCall(t, "damaged bytes");
        try (SharedObject view = Grove.share(graph)) {
            Object expected = Canonical.of(graph);
            Random random = new Random(seed);
            byte[] path = view.path().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            // The transport takes the same fan-out reference when it writes the view: no lease of its own.
            byte[] refBytes = view.ref().toBytes();
            Future<Object> f = TIMER.submit(() -> t.roundTrip(view, b -> {
                byte[] d = b.clone();
                // Aim at the reference, the part Grove controls: its reference bytes, or else the path text and
                // the 8-byte id after it. The frameworks' own headers carry no integrity check (a flipped Fory
                // null flag reads as null).
                int at = indexOf(d, refBytes);
                int length = refBytes.length;
                if (at < 0) {
                    at = indexOf(d, path);
                    length = path.length + 8;
                }
                int from = at < 0 ? 0 : at;
                int to = at < 0 ? d.length : Math.min(d.length, at + length);
                for (int i = 0; i < flips && to > from; i++) {
                    d[from + random.nextInt(to - from)] ^= (byte) (1 + random.nextInt(255));
                }
                return d;
            }));
            Object back;
            try {
                back = f.get(30, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                throw new AssertionError("[" + t.name() + "] damaged bytes made the transport hang for 30 s");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                check(t.isDocumentedFailure(cause), t.name(), "damaged bytes gave an undocumented failure: " + cause);
                return true;
            }
            try {
                check(Objects.equals(expected, Canonical.of(back)), t.name(),
                        "damaged bytes gave a wrong value instead of a failure: " + describe(back));
            } finally {
                closeIfView(back);
            }
            return false;
        }
    }

    /**
     * An array of more than 2^31 elements crosses by reference. Needs about 2 GiB free in the store; callers
     * guard it with {@link #hasRoomForHugeArray()}.
     */
    public static void hugeArray(Transport t) throws Exception {
        long n = (1L << 31) + 8;
        SharedByteArray huge;
        try (ArrayWriter<SharedByteArray> w = Grove.allocate(SharedByteArray.class, n)) {
            w.segment().set(ValueLayout.JAVA_BYTE, n - 1, (byte) 7);
            huge = w.seal();
        }
        try (huge) {
            Object back = t.roundTrip(huge, UnaryOperator.identity());
            try {
                check(back instanceof SharedByteArray b && b.length() == n && b.getByte(n - 1) == 7, t.name(),
                        "an array of 2^31 + 8 bytes did not arrive intact: " + describe(back));
            } finally {
                closeIfView(back);
            }
        }
    }

    /**
     * What receives a view holds its region for as long as it holds the view: after the sender lets go, after
     * a reference taken from the received view, and after every lease has ended. Checked through the view and
     * from the kernel's side (the region file exists and this process holds a lock on it).
     */
    public static void holding(Transport t, long leaseMillis) throws Exception {
        SharedDoubleArray view = Grove.share(new double[] {4, 5, 6});
        Path file = RegionStore.defaultStore().file(view.path());
        Object back;
        try {
            back = t.roundTrip(view, UnaryOperator.identity());
        } finally {
            view.close(); // the sender lets go
        }
        try {
            check(back instanceof SharedDoubleArray, t.name(), "a view did not arrive as a view: " + describe(back));
            SharedDoubleArray held = (SharedDoubleArray) back;
            try {
                held.ref(); // a reference taken from a mapped view (once, this dropped the holder's lock)
                awaitLeaseEnd(file, leaseMillis); // that reference's lease, and the first one, have ended
                RegionStore.defaultStore().sweep();
                check(Files.exists(file), t.name(), "the region was freed while a view of it was still held: " + file);
                check(Holders.of(file).contains(ProcessHandle.current().pid()), t.name(),
                        "the kernel lists no lock of the holding process (pid " + ProcessHandle.current().pid() + ") on "
                                + file + "; holders: " + Holders.describe(file));
                double third = held.getDouble(2);
                check(third == 6.0, t.name(), "the held view reads a wrong value: " + third);
            } catch (RegionReleasedException e) {
                throw new AssertionError("[" + t.name() + "] the received view was released before its holder let go", e);
            }
        } finally {
            closeIfView(back);
        }
    }

    /** A plain call must work before a check that disturbs calls can judge anything. */
    private static void plainCall(Transport t, String check) {
        try (SharedDoubleArray probe = Grove.share(new double[] {1})) {
            closeIfView(t.roundTrip(probe, UnaryOperator.identity()));
        } catch (Exception e) {
            AssertionError failure = new AssertionError("[" + t.name() + "] the transport failed a plain, undamaged"
                    + " call, so the " + check + " check cannot judge it: " + e);
            failure.initCause(e);
            throw failure;
        }
    }

    /**
     * Makes {@code calls} plain, undamaged calls, each checked to bring back a view of what was sent: the calls
     * {@link TransportProperties} adds to a property that made fewer than its minimum, so that a transport that
     * fails now and then is caught whichever property it fails in. A failure after calls that passed is named
     * intermittent, with how many passed.
     */
    public static void plainCalls(Transport t, int calls) throws Exception {
        for (int i = 1; i <= calls; i++) {
            try (SharedDoubleArray probe = Grove.share(new double[] {i})) {
                Object back;
                try {
                    back = t.roundTrip(probe, UnaryOperator.identity());
                } catch (Exception e) {
                    AssertionError failure = new AssertionError("[" + t.name() + "] " + (i > 1 ? "intermittent: " : "")
                            + "plain call " + i + " of " + calls + " failed" + (i > 1 ? " after " + (i - 1) + " passed" : "")
                            + ": " + e);
                    failure.initCause(e);
                    throw failure;
                }
                try {
                    check(back instanceof SharedDoubleArray v && v.path().equals(probe.path()) && v.getDouble(0) == i,
                            t.name(), (i > 1 ? "intermittent: " : "") + "plain call " + i + " of " + calls
                                    + " brought back " + describe(back) + " for " + probe.path());
                } finally {
                    closeIfView(back);
                }
            }
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (java.util.Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Waits (collecting garbage and sweeping, as a running system would) until this process maps no region
     * and the store holds no region file, then fails naming what is left: one line per holder (its pid and
     * command line, from the kernel's locks) with how many regions it holds. When after twenty seconds another
     * process still holds a region, it fails then rather than waiting out {@code timeoutMillis}: a process still
     * holding regions that long after the transport closed is not letting go.
     */
    public static void assertNothingLeft(long timeoutMillis) {
        RegionStore store = RegionStore.defaultStore();
        long first = Math.min(timeoutMillis, 20_000);
        List<String> left = store.awaitEmpty(java.time.Duration.ofMillis(first));
        Map<String, List<String>> byHolder = left.isEmpty() ? Map.of() : byHolder(store, left);
        java.util.regex.Pattern another = java.util.regex.Pattern.compile(
                "pid (?!" + ProcessHandle.current().pid() + " )\\d+ ");
        boolean anotherHolds = byHolder.keySet().stream().anyMatch(h -> another.matcher(h).find());
        if (!left.isEmpty() && !anotherHolds && timeoutMillis > first) {
            left = store.awaitEmpty(java.time.Duration.ofMillis(timeoutMillis - first));
            byHolder = left.isEmpty() ? Map.of() : byHolder(store, left);
        }
        if (!left.isEmpty()) {
            StringBuilder b = new StringBuilder(left.size() + " regions left behind in " + store
                    + " after the transport was closed:");
            byHolder.forEach((holder, names) -> b.append("\n  held by ").append(holder).append(": ").append(names.size())
                    .append(names.size() == 1 ? " region, " : " regions, e.g. ")
                    .append(String.join(", ", names.subList(0, Math.min(3, names.size())))));
            b.append("\nA peer must close every view it decodes once it has answered, and the transport's close() must"
                    + " end the peer (see the Transport javadoc).");
            throw new AssertionError(b.toString());
        }
    }

    /** Regions ({@code "file=NAME"} or {@code "mapped-here=NAME"}) grouped by who holds them, in the kernel's words. */
    private static Map<String, List<String>> byHolder(RegionStore store, List<String> left) {
        List<Path> files = left.stream().map(e -> store.file("/" + e.substring(e.indexOf('=') + 1))).distinct().toList();
        Map<Path, String> holders = Holders.describeAll(files);
        Map<String, List<String>> out = new java.util.TreeMap<>();
        for (Path f : files) {
            out.computeIfAbsent(holders.get(f), k -> new ArrayList<>()).add("/" + f.getFileName());
        }
        return out;
    }

    /** Whether the store has room for {@link #hugeArray}. */
    public static boolean hasRoomForHugeArray() {
        return RegionStore.defaultStore().freeBytes() > (4L << 30);
    }

    interface PathVisitor {
        void visit(String suffix, Object original) throws Exception;
    }

    private static void forEachSubPath(Object v, String suffix, int[] left, PathVisitor visit) throws Exception {
        List<Object> kids = new ArrayList<>();
        if (v instanceof List<?> l && !(l.size() > 0 && oneBoxedType(l))) {
            kids.addAll(l);
        } else if (v instanceof Map<?, ?> m) {
            kids.addAll(m.values());
        } else if (v instanceof String[] s) {
            kids.addAll(java.util.Arrays.asList((Object[]) s));
        } else if (v != null && Canonical.isMatrix(v)) {
            kids.addAll(java.util.Arrays.asList((Object[]) v));
        } else if (v instanceof dev.grove.Table tb) {
            for (int c = 0; c < tb.columnCount(); c++) {
                kids.add(tb.column(c));
            }
        }
        for (int i = 0; i < kids.size() && left[0] > 0; i++) {
            left[0]--;
            visit.visit(suffix + "[" + i + "]", kids.get(i));
            forEachSubPath(kids.get(i), suffix + "[" + i + "]", left, visit);
        }
    }

    /** Lists of one boxed type are stored as primitive arrays, which have no sub-paths. */
    private static boolean oneBoxedType(List<?> l) {
        Object first = l.get(0);
        return (first instanceof Number || first instanceof Boolean || first instanceof Character)
                && l.stream().allMatch(x -> x != null && x.getClass() == first.getClass());
    }

    /** A view by its type and path, anything else by its type (a copy: {@code double[10000000]}, {@code String[3]}). */
    private static String describe(Object o) {
        if (o == null) {
            return "null";
        }
        if (o instanceof SharedObject so) {
            return so.getClass().getSimpleName() + " " + so.path();
        }
        if (o.getClass().isArray()) {
            String type = o.getClass().getComponentType().getSimpleName();
            return type + "[" + java.lang.reflect.Array.getLength(o) + "] (a copy)";
        }
        return o.getClass().getName() + (o instanceof java.util.Collection<?> c ? " of " + c.size() + " (a copy)" : "");
    }

    private static void closeIfView(Object o) {
        if (o instanceof SharedObject so) {
            so.close();
        }
    }

    /**
     * Waits until the lease recorded on region {@code file} has ended: a lease ends at the file's modification time
     * (docs/FORMAT.md, "Lifetime"), read from the file system, never guessed from a delay. Fails after the lease
     * plus a minute.
     */
    private static void awaitLeaseEnd(Path file, long leaseMillis) throws java.io.IOException {
        long deadline = System.currentTimeMillis() + leaseMillis + 60_000;
        while (Files.exists(file) && Files.getLastModifiedTime(file).toMillis() >= System.currentTimeMillis()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the lease of " + file + " never ended: it runs until "
                        + Files.getLastModifiedTime(file).toInstant() + ", more than a minute past the store's lease");
            }
            sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Counts outcomes, so a run can show it exercised both. */
    static final AtomicInteger DOCUMENTED_FAILURES = new AtomicInteger();
}
