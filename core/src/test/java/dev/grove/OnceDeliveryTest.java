package dev.grove;

import dev.grove.test.Await;
import dev.grove.test.Child;
import dev.grove.test.ChildJvm;
import dev.grove.test.KernelLocks;
import dev.grove.test.Leaks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Consumed-once references ({@link Delivery#ONCE}): the receiver's release hands the region back to its
 * sender at once, who writes the next message into the same file; nothing else may ever make that happen
 * early. Reuse is observed from the kernel's side: the next message's file has the same inode, and who holds
 * a lock on it is read from {@code /proc}.
 */
class OnceDeliveryTest {
    private static final long PID = ProcessHandle.current().pid();
    /** Stores of their own (one per test: a sender's kept regions are per store), with a 2 s lease. */
    private static final List<Path> DIRS = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** 8 KiB of doubles: above the size from which a region in flight is kept for reuse. */
    private static final int N = 1024;

    private static RegionStore store(String test) {
        Path dir = Path.of("/dev/shm", "grove-once-test-" + PID + "-" + test);
        DIRS.add(dir);
        return RegionStore.builder(dir).lease(Duration.ofSeconds(2)).recycleBytes(64 << 20).open();
    }

    private static double[] filled(double k) {
        double[] d = new double[N];
        Arrays.fill(d, k);
        return d;
    }

    /** Shares {@code k}s, takes a consumed-once reference and lets go of the view at once, as a sender does. */
    private static SharedRef send(RegionStore s, double k) {
        try (SharedDoubleArray v = s.share(filled(k))) {
            return v.ref(Delivery.ONCE);
        }
    }

    private static Path fileOf(RegionStore s, SharedRef ref) {
        return s.file(ref.path());
    }

    private static SharedRef withTicket(SharedRef ref, long ticket) {
        String text = ref.toString();
        int at = text.indexOf('~');
        return SharedRef.parse(text.substring(0, at + 1) + HexFormat.of().toHexDigits(ticket) + text.substring(at + 17));
    }

    @Test
    void theReceiversReleaseHandsTheFileToTheNextMessage() {
        RegionStore s = store("released");
        SharedRef first = send(s, 1);
        assertEquals(Delivery.ONCE, first.delivery());
        assertTrue(first.toString().contains("~"), first.toString());
        Path file = fileOf(s, first);
        long inode = KernelLocks.inode(file);
        assertTrue(KernelLocks.lockedBy(PID, file), "in flight: the sender still holds it, so nobody deletes it");

        try (SharedDoubleArray got = s.map(first)) {
            assertArrayEquals(filled(1), got.toDoubleArray());
        }
        StaleReferenceException again = assertThrows(StaleReferenceException.class, () -> s.map(first));
        assertTrue(again.getMessage().contains("ticket="), again.getMessage());

        SharedRef second = send(s, 2);
        assertEquals(first.path(), second.path(), "the next message is written into the released region");
        assertEquals(inode, KernelLocks.inode(file), "the same file");
        assertNotEquals(first.regionId(), second.regionId(), "under a new id");
        assertThrows(StaleReferenceException.class, () -> s.map(first), "the old reference names the old id");
        try (SharedDoubleArray got = s.map(second)) {
            assertArrayEquals(filled(2), got.toDoubleArray());
        }
        assertTrue(s.regionNames().size() <= 1, "one region for both messages: " + s.regionNames());
    }

    /**
     * Reference bytes carry a consumed-once reference's ticket in place of the region id: the ticket alone
     * must then keep a reference to one message from ever reading the next one written into the same file.
     */
    @Test
    void referenceBytesNameTheMessageByItsTicket() {
        RegionStore s = store("bytes");
        SharedRef sent = send(s, 1);
        SharedRef first = SharedRef.fromBytes(sent.toBytes());
        assertEquals(0, first.regionId(), "no region id travels");
        assertEquals(sent.ticket(), first.ticket(), "known by its ticket");
        byte[] forgedBytes = sent.toBytes();
        forgedBytes[1] ^= 1; // the word after the form byte: ticket mixed with the path hash
        SharedRef forged = SharedRef.fromBytes(forgedBytes);
        assertEquals(first.path(), forged.path());
        assertThrows(StaleReferenceException.class, () -> s.map(forged), "another ticket: refused");
        try (SharedDoubleArray got = s.map(first)) {
            assertArrayEquals(filled(1), got.toDoubleArray());
        }
        assertThrows(StaleReferenceException.class, () -> s.map(first), "consumed");

        SharedRef sentSecond = send(s, 2);
        SharedRef second = SharedRef.fromBytes(sentSecond.toBytes());
        assertEquals(first.path(), second.path(), "the next message is written into the released region");
        StaleReferenceException old = assertThrows(StaleReferenceException.class, () -> s.map(first),
                "the first message's bytes never read the second message");
        assertTrue(old.getMessage().contains("ticket=" + Long.toHexString(first.ticket())), old.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.mapWritable(second, SharedDoubleArray.class),
                "a consumed-once reference is never written through");
        // The first layout (kind 1, the wire id, then a ticket field) is still read, with its region id.
        SharedRef earlier = SharedRef.fromBytes(firstLayout(sentSecond));
        assertEquals(sentSecond, earlier);
        try (SharedDoubleArray got = s.map(earlier)) {
            assertArrayEquals(filled(2), got.toDoubleArray());
        }
        assertThrows(StaleReferenceException.class, () -> s.map(second), "released through the earlier layout");
    }

    /** The reference bytes of a consumed-once reference to a whole region, in the layout before form kind 3. */
    private static byte[] firstLayout(SharedRef ref) {
        byte[] now = ref.toBytes(); // form, ticket word, pid (varint), 64 random bits, boot mark, store
        assertEquals(0xC0, now[0] & 0xC0);
        int at = 9;
        while (now[at] < 0) {
            at++;
        }
        at += 1 + 8 + 4; // the pid's last byte, the random bits, the boot mark
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(now.length + 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) (now[0] & ~0xC0 | 0x40)).putLong(ref.wireId()).put(now, 9, at - 9).putLong(ref.ticket());
        return b.put(now, at, now.length - at).array();
    }

    /**
     * The same across processes: the receiver maps the first message from its bytes, keeps the mapping when
     * it lets go, and must refuse those bytes once the sender wrote the next message into that file, even
     * though the file, the name and the kept mapping are the same.
     */
    @Test
    void aReceiverRefusesOldBytesForTheNextMessageInTheSameFile() throws Exception {
        RegionStore s = store("bytes-child");
        SharedRef first = send(s, 1);
        Path file = fileOf(s, first);
        long inode = KernelLocks.inode(file);
        try (ChildJvm receiver = ChildJvm.start(Child.class)) {
            receiver.expect("ready", 60);
            receiver.send("check-bytes " + HexFormat.of().formatHex(first.toBytes()) + " 1");
            assertEquals("check ok", receiver.receive(30));
            SharedRef second = send(s, 2);
            assertEquals(first.path(), second.path(), "released: the next message went into the same region");
            assertEquals(inode, KernelLocks.inode(file));
            // Were the ticket not checked, these bytes would read the second message (all 2s) and say ok.
            receiver.send("check-bytes " + HexFormat.of().formatHex(first.toBytes()) + " 2");
            String stale = receiver.receive(30);
            assertTrue(stale.startsWith("error StaleReferenceException"), stale);
            receiver.send("check-bytes " + HexFormat.of().formatHex(second.toBytes()) + " 2");
            assertEquals("check ok", receiver.receive(30));
            receiver.send("exit");
            assertEquals(0, receiver.waitFor(30));
        }
    }

    @Test
    void aFanOutReferenceKeepsTheRegionFromReuse() throws Exception {
        RegionStore s = store("fanout");
        SharedRef once;
        SharedRef fanOut;
        try (SharedDoubleArray v = s.share(filled(3))) {
            once = v.ref(Delivery.ONCE);
            fanOut = v.ref();
        }
        Path file = fileOf(s, once);
        long inode = KernelLocks.inode(file);
        try (ChildJvm receiver = ChildJvm.start(Child.class)) {
            receiver.expect("ready", 60);
            receiver.send("check-any " + once + " 3");
            assertEquals("check ok", receiver.receive(30));
            SharedRef next = send(s, 4);
            assertNotEquals(once.path(), next.path(), "released once, but a fan-out reference's lease still runs");
            assertEquals(inode, KernelLocks.inode(file), "the first message's file is untouched");
            receiver.send("check-any " + fanOut + " 3");
            assertEquals("check ok", receiver.receive(30), "the fan-out reference still reads the first message");
            receiver.send("check-any " + next + " 4");
            assertEquals("check ok", receiver.receive(30));
            receiver.send("exit");
            assertEquals(0, receiver.waitFor(30));
        }
        Await.leaseEnded(file); // now nothing keeps the first region from reuse
        assertReusable(s, once, inode, 2);
    }

    /**
     * Sends {@code candidates} messages (one per region the sender may reuse), which must take the region of
     * {@code ref} again, unless it sat idle long enough to be deleted instead ({@code grove.recycle.seconds}).
     */
    private static void assertReusable(RegionStore s, SharedRef ref, long inode, int candidates) throws InterruptedException {
        Path file = fileOf(s, ref);
        List<SharedRef> sent = new java.util.ArrayList<>();
        for (int i = 0; i < candidates; i++) {
            sent.add(send(s, 100 + i));
        }
        if (sent.stream().anyMatch(r -> r.path().equals(ref.path()))) {
            assertEquals(inode, KernelLocks.inode(file), "the same file carries a new message");
        } else {
            Await.until("reused or deleted once free: " + file + ", sent " + sent, () -> !Files.exists(file));
        }
        sent.forEach(r -> drain(s, r));
    }

    /**
     * Until when the file keeps its region without holders, read from the file itself, not asked of Grove: the
     * later of its modification time (the lease) and the once deadline in the lifetime block (offset 72).
     */
    private static long keptUntilOnDisk(Path file) throws java.io.IOException {
        java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(80).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            ch.read(head, 0);
        }
        return Math.max(Files.getLastModifiedTime(file).toMillis(), head.getLong(72));
    }

    /** Maps and closes {@code ref} (a receiver here), releasing it. */
    private static void drain(RegionStore s, SharedRef ref) {
        try (SharedDoubleArray got = s.map(ref)) {
            assertEquals(N, got.length());
        }
    }

    @Test
    void aForgedOrRepeatedReleaseIsRefusedAndNothingIsReusedEarly() throws Exception {
        RegionStore s = store("forged");
        SharedRef ref = send(s, 6);
        Path file = fileOf(s, ref);
        long inode = KernelLocks.inode(file);
        try (ChildJvm receiver = ChildJvm.start(Child.class)) {
            receiver.expect("ready", 60);
            receiver.send("ref " + withTicket(ref, 0x1234_5678_9abc_def0L));
            String forged = receiver.receive(30);
            assertTrue(forged.startsWith("error StaleReferenceException") && forged.contains("ticket=123456789abcdef0"),
                    forged);
            SharedRef other = send(s, 7);
            assertNotEquals(ref.path(), other.path(), "a forged release released nothing");
            drain(s, other);

            // Two views of one reference: the first close releases the ticket, the second's lock still holds.
            receiver.send("ref " + ref);
            receiver.expect("ref ", 30);
            receiver.send("ref " + ref);
            receiver.expect("ref ", 30);
            receiver.send("close-one 0");
            receiver.expect("close-one", 30);
            assertTrue(KernelLocks.lockedBy(receiver.pid(), file), "the second view still holds the region");
            // Two messages: enough to take every free region, which this one must not be.
            SharedRef meanwhile = send(s, 8);
            SharedRef meanwhile2 = send(s, 8);
            assertNotEquals(ref.path(), meanwhile.path(), "not reused while a receiver maps it");
            assertNotEquals(ref.path(), meanwhile2.path(), "not reused while a receiver maps it");
            drain(s, meanwhile2);
            receiver.send("read");
            String intact;
            try (SharedDoubleArray same = s.share(filled(6))) {
                intact = "read " + Child.digest(same);
            }
            assertEquals(intact, receiver.receive(30), "its bytes are intact");
            drain(s, meanwhile);
            receiver.send("close-all"); // the second release: its ticket is gone, so it changes nothing
            receiver.expect("close-all", 30);
            assertFalse(KernelLocks.lockedBy(receiver.pid(), file));

            // Four regions are free now (this one, and the three drained here); four messages take them all.
            List<SharedRef> next = List.of(send(s, 9), send(s, 9), send(s, 9), send(s, 9));
            SharedRef reused = next.stream().filter(r -> r.path().equals(ref.path())).findFirst().orElseThrow(
                    () -> new AssertionError("released and unheld, but not reused: " + ref + ", sent " + next));
            assertEquals(inode, KernelLocks.inode(file));
            receiver.send("ref " + ref);
            assertTrue(receiver.receive(30).startsWith("error StaleReferenceException"), "the old message is gone");
            for (SharedRef r : next) {
                receiver.send("check-any " + r + " 9");
                assertEquals("check ok", receiver.receive(30), "message in " + r + (r == reused ? " (reused)" : ""));
            }
            receiver.send("exit");
            assertEquals(0, receiver.waitFor(30));
        }
    }

    @Test
    void aKilledReceiverHoldsTheRegionBackOnlyUntilTheDeadline() throws Exception {
        RegionStore s = store("killed");
        SharedRef ref = send(s, 10);
        Path file = fileOf(s, ref);
        long inode = KernelLocks.inode(file);
        try (ChildJvm receiver = ChildJvm.start(Child.class)) {
            receiver.expect("ready", 60);
            receiver.send("ref " + ref);
            receiver.expect("ref ", 30);
            assertTrue(KernelLocks.lockedBy(receiver.pid(), file));
            receiver.kill();
            receiver.waitFor(30);
        }
        assertFalse(KernelLocks.lockedByAnyone(file) && !KernelLocks.lockedBy(PID, file), "the kernel dropped its lock");
        long deadline = keptUntilOnDisk(file);
        SharedRef early = send(s, 11);
        assertTrue(!ref.path().equals(early.path()) || System.currentTimeMillis() >= deadline,
                "its ticket is still out: not reused before the deadline " + deadline);
        drain(s, early);
        Await.leaseEnded(file);
        assertReusable(s, ref, inode, 2); // after the deadline: it, and the message drained above
    }

    /**
     * Two senders (this process and a child) and two receivers (children) exchange 10,000 messages of
     * 8 KiB, each with its own contents, which every receiver checks; the senders reuse a handful of files.
     */
    @Test
    void twoSendersAndTwoReceiversExchangeTenThousandMessages() throws Exception {
        int messages = Integer.getInteger("grove.test.onceMessages", 10_000);
        try (ChildJvm sender = ChildJvm.start(Child.class);
             ChildJvm r1 = ChildJvm.start(Child.class);
             ChildJvm r2 = ChildJvm.start(Child.class)) {
            for (ChildJvm c : List.of(sender, r1, r2)) {
                c.expect("ready", 60);
            }
            Set<String> parentNames = ConcurrentHashMap.newKeySet();
            Set<String> childNames = ConcurrentHashMap.newKeySet();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> a = pool.submit(() -> exchange(messages / 2, 0, null, r1, r2, parentNames));
                Future<?> b = pool.submit(() -> exchange(messages / 2, 1, sender, r2, r1, childNames));
                a.get(240, TimeUnit.SECONDS);
                b.get(240, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            System.out.println("once: " + messages + " messages in " + parentNames.size() + " + " + childNames.size()
                    + " region names");
            assertTrue(parentNames.size() < 50 && childNames.size() < 50,
                    "released regions carry the next messages: parent used " + parentNames.size() + " names, child "
                            + childNames.size());
            for (ChildJvm c : List.of(sender, r1, r2)) {
                c.send("exit");
                assertEquals(0, c.waitFor(30));
            }
        }
    }

    /** One sender's stream: message k (a value unique to it) to each receiver in turn, checked there. */
    private static Void exchange(int count, int lane, ChildJvm childSender, ChildJvm first, ChildJvm second,
                                 Set<String> names) {
        for (int i = 0; i < count; i++) {
            double k = lane + 2.0 * i;
            String ref;
            if (childSender == null) {
                try (SharedDoubleArray v = Grove.share(filled(k))) {
                    ref = v.ref(Delivery.ONCE).toString();
                }
            } else {
                ref = ask(childSender, "publish-once " + k + " " + N).substring("publish-once ".length());
            }
            names.add(ref.substring(0, ref.indexOf('#')));
            String answer = ask(i % 2 == 0 ? first : second, "check-any " + ref + " " + k);
            if (!answer.equals("check ok")) {
                throw new AssertionError("message " + k + " (" + ref + "): " + answer);
            }
        }
        return null;
    }

    /** One command and its answer, one caller at a time per child. */
    private static String ask(ChildJvm c, String line) {
        synchronized (c) {
            c.send(line);
            return c.receive(30);
        }
    }

    @AfterAll
    static void nothingLeft() throws IOException {
        Leaks.assertNoRegionsLeft(30);
        for (Path dir : DIRS) {
            List<String> left = RegionStore.open(dir).awaitEmpty(Duration.ofSeconds(120));
            assertEquals(List.of(), left, "regions left in " + dir);
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
