package dev.grove.conformance;

import dev.grove.Grove;
import dev.grove.SharedList;
import dev.grove.SharedObject;
import dev.grove.check.Property;
import dev.grove.check.PropertyFailure;
import dev.grove.test.Leaks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.*;

/** The kit can fail: deliberately broken transports are caught by the checks meant for them. */
class BrokenTransportsTest {

    /** What a broken stack does with one call; {@code plain} is the working in-process stack it breaks. */
    interface Call {
        Object roundTrip(Broken plain, Object value, UnaryOperator<byte[]> wire) throws Exception;
    }

    /** The in-process stack, broken the way {@code call} says: each deliberately broken transport is one of these. */
    static final class Broken extends InProcessTransport {
        private final Call call;

        Broken(Codec codec, Call call) {
            super(codec);
            this.call = call;
        }

        @Override
        public Object roundTrip(Object value, UnaryOperator<byte[]> wire) throws Exception {
            return call.roundTrip(this, value, wire);
        }

        /** The working stack's round trip. */
        Object plain(Object value, UnaryOperator<byte[]> wire) throws Exception {
            return super.roundTrip(value, wire);
        }

        /** The working stack's round trip, then {@code after} applied to what came back. */
        Object plainThen(Object value, UnaryOperator<byte[]> wire, UnaryOperator<Object> after) throws Exception {
            return after.apply(plain(value, wire));
        }
    }

    private static Broken fory(Call call) {
        return new Broken(new Codec.ForyCodec(), call);
    }

    /** Sends contents instead of references: what a stack without Grove's serializers does. */
    static Transport copying() {
        return fory((t, value, wire) -> t.codec.decode(wire.apply(t.codec.encode(
                value instanceof SharedList<?> l ? new ArrayList<>(l) : value))));
    }

    /** Takes no lease: a reference whose sender lets go is dead before it arrives. */
    static Transport leaseDropping() {
        return fory((t, value, wire) -> {
            String lease = System.getProperty("grove.lease.seconds");
            System.setProperty("grove.lease.seconds", "0");
            byte[] bytes;
            try {
                bytes = t.codec.encode(value);
            } finally {
                System.setProperty("grove.lease.seconds", lease);
            }
            return t.codec.decode(wire.apply(bytes));
        });
    }

    /** Hides failures: answers null when it cannot read a message. */
    static Transport swallowing() {
        return new Broken(new Codec.JavaIoCodec(), (t, value, wire) -> {
            try {
                return t.plain(value, wire);
            } catch (Exception e) {
                return null;
            }
        });
    }

    /** Delivers something else than what was sent. */
    static Transport mixing() {
        return fory((t, value, wire) -> t.plainThen(value, wire, back -> {
            if (back instanceof SharedObject so && so.path().indexOf('[') < 0) {
                so.close();
                return Grove.share(List.of("not", "what", "was", "sent"));
            }
            return back;
        }));
    }

    /**
     * Writes references as their text without the consumed-once ticket (what a hand-written codec that
     * knows only {@code path#id} does): the reference arrives as a fan-out one.
     */
    static Transport ticketDropping() {
        return fory((t, value, wire) -> value instanceof dev.grove.SharedRef r
                ? dev.grove.SharedRef.parse(r.path() + "#" + java.util.HexFormat.of().toHexDigits(r.regionId()))
                : t.plain(value, wire));
    }

    /** Fails every call: a stack that cannot connect, say (an {@code IOException}, which it documents). */
    static final class FailingTransport extends InProcessTransport {
        FailingTransport() {
            super(new Codec.ForyCodec());
        }

        @Override
        public Object roundTrip(Object value, UnaryOperator<byte[]> wire) throws Exception {
            throw new java.io.IOException("connection refused: 127.0.0.1:7000");
        }

        @Override
        public boolean isDocumentedFailure(Throwable failure) {
            return failure instanceof java.io.IOException;
        }
    }

    /** Releases what it receives before handing it over: the receiver holds a view of nothing. */
    static Transport releasing() {
        return fory((t, value, wire) -> t.plainThen(value, wire, back -> {
            if (back instanceof SharedObject so) {
                so.close();
            }
            return back;
        }));
    }

    /** Fails every 41st call, as a connection that drops now and then does. */
    static Transport flaky() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        return fory((t, value, wire) -> {
            int n = calls.incrementAndGet();
            if (n % 41 == 0) {
                throw new java.io.IOException("connection reset by peer (call " + n + ")");
            }
            return t.plain(value, wire);
        });
    }

    /** Decodes the view and answers with a copy of its contents: requests stay small, replies carry the data. */
    static Transport copyingReplies() {
        return fory((t, value, wire) -> {
            Object received = t.codec.decode(wire.apply(t.codec.encode(value)));
            try {
                Object copy = received instanceof dev.grove.SharedDoubleArray d ? d.toDoubleArray() : received;
                return t.codec.decode(t.codec.encode(copy));
            } finally {
                if (received instanceof SharedObject so) {
                    so.close();
                }
            }
        });
    }

    /** Answers a sub-view of strings with a copy of them: the root arrives as a view, the parts do not. */
    static Transport subViewCopying() {
        return fory((t, value, wire) -> t.plainThen(value, wire, back -> {
            if (back instanceof SharedList<?> l && l.path().indexOf('[') >= 0 && !l.isEmpty() && l.get(0) instanceof String) {
                String[] copy = l.toArray(new String[0]);
                l.close();
                return copy;
            }
            return back;
        }));
    }

    /**
     * A peer that keeps the views it decodes (in another JVM, as the javadoc prescribes): the lifetime check
     * names it, pid and command line, and the end-of-class check gives it one line with a count, not one line
     * per region, and says so within seconds.
     */
    @Test
    void aPeerThatKeepsViewsIsNamedWithItsPidByTheLifetimeCheck() throws Exception {
        try (ChildPipeTransport t = new ChildPipeTransport(new Codec.ForyCodec(), "keep")) {
            AssertionError e = assertThrows(AssertionError.class, () -> GroveContract.lifetime(t, 2000));
            assertTrue(e.getMessage().contains("the peer keeps the region it decoded")
                    && e.getMessage().contains("pid " + t.peerPid()) && e.getMessage().contains(EchoPeer.class.getName())
                    && e.getMessage().contains("must close every view it decodes"), e.getMessage());
            GroveContract.plainCalls(t, 5);
            long start = System.nanoTime();
            AssertionError left = assertThrows(AssertionError.class, () -> GroveContract.assertNothingLeft(120_000));
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            List<String> lines = left.getMessage().lines().toList();
            List<String> holders = lines.stream().filter(l -> l.startsWith("  held by ")).toList();
            assertEquals(1, holders.size(), "one line for the one holder: " + left.getMessage());
            assertTrue(holders.get(0).contains("pid " + t.peerPid()) && holders.get(0).contains(EchoPeer.class.getName()),
                    left.getMessage());
            int count = Integer.parseInt(holders.get(0).replaceAll(".*: (\\d+) regions?, .*", "$1"));
            assertTrue(count >= 7, "the peer holds the lifetime check's two regions and the five plain calls': " + left.getMessage());
            assertTrue(seconds < 100, "said once the peer was seen holding on, not after the whole timeout: " + seconds + " s");
        }
    }

    @Test
    void aTransportThatFailsOneCallIn41IsCaughtAndCalledIntermittent() {
        AssertionError plain = assertThrows(AssertionError.class, () -> GroveContract.plainCalls(flaky(), 50));
        assertTrue(plain.getMessage().contains("intermittent: plain call 41 of 50 failed after 40 passed")
                && plain.getMessage().contains("connection reset by peer"), plain.getMessage());
        Transport t = flaky();
        PropertyFailure p = assertThrows(PropertyFailure.class, () -> Property.forAll(GroveGenerators.anyShareable())
                .tries(60).check(g -> GroveContract.roundTrip(t, g, 0)));
        assertTrue(p.getMessage().contains("failed on try 41, intermittently: the same input passed 3 of 3 replays")
                && !p.getMessage().contains("shrunk counterexample"), p.getMessage());
        assertTrue(String.valueOf(p.getCause()).contains("connection reset by peer"), String.valueOf(p.getCause()));
    }

    @Test
    void aReplyCarryingACopyIsCaughtBySize() {
        AssertionError e = assertThrows(AssertionError.class, () -> GroveContract.size(copyingReplies()));
        assertTrue(e.getMessage().contains("the reply carried a copy of 10 doubles, not a reference")
                && e.getMessage().contains("double[10] (a copy)"), e.getMessage());
    }

    @Test
    void aSubViewThatComesBackAsACopyIsCalledACopy() {
        AssertionError e = assertThrows(AssertionError.class, () -> GroveContract.roundTrip(subViewCopying(),
                List.of(new String[] {"a", "b"}, 1.5), 5));
        assertTrue(e.getMessage().contains("a copy arrived instead of a view for the sub-view")
                && e.getMessage().contains("String[2] (a copy)"), e.getMessage());
        assertFalse(e.getMessage().contains("[Ljava"), e.getMessage());
    }

    /**
     * A failure whose input and message hold a lone surrogate and control characters: the report keeps every
     * part (the shrunk input's failure included) with those escaped, so a console or surefire's XML carries it.
     */
    @Test
    void aReportAboutALoneSurrogateSurvivesWhole() {
        String nasty = "bad\ud800\u0007end";
        PropertyFailure p = assertThrows(PropertyFailure.class, () -> Property.forAll(
                s -> List.of(nasty, dev.grove.Table.builder().column("s", new String[] {nasty}).build())).tries(5)
                .check(v -> {
                    throw new AssertionError("[my-rpc] round trip changed " + v);
                }));
        String report = p.getMessage() + "\n" + p.getCause();
        assertFalse(hasUnprintable(report), "escaped: " + report);
        assertTrue(p.getMessage().contains("failure of the shrunk input") && p.getMessage().contains("\\ud800")
                && p.getMessage().contains("\\u0007end"), p.getMessage());
        assertTrue(String.valueOf(p.getCause()).contains("round trip changed"), String.valueOf(p.getCause()));
    }

    /** Lone surrogates, or control characters other than line breaks and tabs. */
    private static boolean hasUnprintable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c) || c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                return true;
            }
        }
        return false;
    }

    @Test
    void aStackThatFailsEveryCallIsNamedAsSuchNotAsALeaseOrDamageProblem() {
        AssertionError lifetime = assertThrows(AssertionError.class,
                () -> GroveContract.lifetime(new FailingTransport(), 2000));
        assertTrue(lifetime.getMessage().contains("failed a plain, undamaged call")
                && lifetime.getMessage().contains("connection refused"), lifetime.getMessage());
        assertFalse(lifetime.getMessage().contains("lease"), "not reported as a lease failure: " + lifetime.getMessage());
        AssertionError damage = assertThrows(AssertionError.class,
                () -> GroveContract.corruption(new FailingTransport(), List.of(1, 2), 1, 1));
        assertTrue(damage.getMessage().contains("failed a plain, undamaged call"), damage.getMessage());
    }

    @Test
    void aReceiverWhoseViewIsReleasedEarlyIsCaughtByHolding() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> GroveContract.holding(releasing(), 500));
        assertTrue(e.getMessage().contains("freed while a view of it was still held")
                || e.getMessage().contains("released before its holder let go")
                || e.getMessage().contains("no lock of the holding process"), e.getMessage());
    }

    @Test
    void aReceiverThatHoldsKeepsTheRegionAndTheKernelShowsItsLock() throws Exception {
        GroveContract.holding(new InProcessTransport(new Codec.ForyCodec()), 500);
    }

    /** When regions are left at the end, the kit names who still holds them: the pid and its command line. */
    @Test
    void aRegionLeftBehindIsReportedWithTheProcessHoldingIt() {
        try (dev.grove.test.ChildJvm peer = dev.grove.test.ChildJvm.start(dev.grove.test.Child.class)) {
            peer.expect("ready", 60);
            String path;
            try (SharedObject v = Grove.share(new double[] {1, 2})) {
                path = v.path();
                peer.send("map " + path);
                peer.expect("map ", 60);
            }
            AssertionError e = assertThrows(AssertionError.class, () -> GroveContract.assertNothingLeft(1_000));
            assertTrue(e.getMessage().contains(path.substring(1)) && e.getMessage().contains("pid " + peer.pid())
                    && e.getMessage().contains(dev.grove.test.Child.class.getName()), e.getMessage());
            peer.send("close-all");
            peer.expect("close-all", 60);
        }
    }

    @Test
    void copyingIsCaughtBySizeAndIdentity() {
        Transport t = copying();
        AssertionError size = assertThrows(AssertionError.class, () -> GroveContract.size(t));
        assertTrue(size.getMessage().contains("depends on the data size"), size.getMessage());
        AssertionError identity = assertThrows(AssertionError.class, () -> GroveContract.identity(t, new double[] {1, 2}));
        assertTrue(identity.getMessage().contains("a copy arrived"), identity.getMessage());
    }

    @Test
    void droppingTheTicketIsCaughtByConsumedOnce() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> GroveContract.consumedOnce(ticketDropping()));
        assertTrue(e.getMessage().contains("came back changed"), e.getMessage());
    }

    @Test
    void droppingLeasesIsCaughtByLifetime() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> GroveContract.lifetime(leaseDropping(), 2000));
        assertTrue(e.getMessage().contains("no lease kept it"), e.getMessage());
    }

    @Test
    void hidingFailuresIsCaughtByCorruption() throws Exception {
        Transport t = swallowing();
        int caught = 0;
        for (long seed = 0; seed < 40; seed++) {
            try {
                GroveContract.corruption(t, Map.of("k", List.of(1, "x")), seed, 2);
            } catch (AssertionError e) {
                assertTrue(e.getMessage().contains("wrong value"), e.getMessage());
                caught++;
            }
        }
        assertTrue(caught > 0, "a transport that turns failures into null must be caught");
    }

    @Test
    void deliveringSomethingElseIsCaughtByRoundTrip() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> GroveContract.roundTrip(mixing(), List.of(1, "a", 2.5), 5));
        assertTrue(e.getMessage().contains("changed the value"), e.getMessage());
    }

    /**
     * Run as properties, the checks shrink what a broken transport gets wrong to a tiny input: a list or an
     * array of at most one element for a transport that copies lists, a scalar or a one-string list for one that
     * delivers something else.
     */
    @Test
    void propertiesShrinkBrokenTransportsToTheSimplestInput() {
        PropertyFailure copying = assertThrows(PropertyFailure.class, () -> Property.forAll(GroveGenerators.anyShareable())
                .tries(200).check(g -> GroveContract.identity(copying(), g)));
        System.out.println("copying transport: " + copying.getMessage());
        // A list of at most one element, or an array of at most one (a primitive array shares as a list too).
        Object smallest = copying.counterexample();
        assertTrue(smallest instanceof List<?> l ? l.size() <= 1
                : smallest != null && smallest.getClass().isArray() && java.lang.reflect.Array.getLength(smallest) <= 1,
                copying.getMessage());
        assertTrue(copying.getCause().getMessage().contains("a copy arrived"), copying.getCause().getMessage());

        PropertyFailure mixing = assertThrows(PropertyFailure.class, () -> Property.forAll(GroveGenerators.anyShareable())
                .tries(200).check(g -> GroveContract.roundTrip(mixing(), g, 5)));
        System.out.println("mixing transport: " + mixing.getMessage());
        assertTrue(String.valueOf(mixing.counterexample()).length() <= 10, mixing.getMessage());
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }
}
