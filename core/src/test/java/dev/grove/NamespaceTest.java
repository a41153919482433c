package dev.grove;

import dev.grove.test.ChildJvm;
import dev.grove.test.KernelLocks;
import dev.grove.test.NamespaceChild;
import dev.grove.test.Progress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Namespaces of shared variables (memshare's model) across real child JVMs: memshare's own example, races
 * for one name, churn from several processes, and processes killed by pid anywhere inside an operation. What
 * is promised about files and holds is checked on the store directory and the kernel's locks.
 */
class NamespaceTest {
    private static final long PID = ProcessHandle.current().pid();
    private static final Path DIR = Path.of("/dev/shm", "grove-namespace-test-" + PID);
    private static final List<String> FLAGS = Namespace.jvmOptions();

    private static RegionStore store() {
        return RegionStore.open(DIR);
    }

    @AfterEach
    void everyVariableReleased() {
        RegionStore s = store();
        for (String ns : s.namespaces()) {
            Namespace n = s.namespace(ns);
            n.releaseViews();
            List<String> left = n.names();
            if (!left.isEmpty()) {
                n.releaseVariables(left.toArray(String[]::new));
            }
        }
    }

    @AfterAll
    static void nothingLeft() throws IOException {
        if (!Files.exists(DIR)) {
            return;
        }
        List<String> left = store().awaitEmpty(Duration.ofSeconds(120));
        assertEquals(List.of(), left, "regions left in " + DIR);
        try (Stream<Path> pins = Files.list(DIR.resolve(".grove-pins"))) {
            assertEquals(List.of(), pins.toList(), "pins left");
        } catch (java.nio.file.NoSuchFileException e) {
            // never pinned
        }
        try (Stream<Path> all = Files.walk(DIR)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** memshare's example: a 10,000 x 2,000 matrix and a vector, the correlation of each column computed elsewhere. */
    @Test
    void memsharesExampleAcrossTwoJvms() {
        int rows = 10_000;
        int cols = 2_000;
        Random rnd = new Random(7);
        double[][] x = new double[rows][cols];
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = rnd.nextGaussian();
            for (int c = 0; c < cols; c++) {
                x[r][c] = rnd.nextGaussian() + (c % 10) * 0.1 * y[r];
            }
        }
        Namespace ns = store().namespace("ID123");
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("X", x);
        vars.put("y", y);
        Map<String, SharedRef> refs = ns.register(vars);
        assertEquals(List.of("X", "y"), ns.names());
        VariableInfo info = ns.info("X");
        assertEquals("SharedMatrix(double, 10000x2000)", info.type());
        assertTrue(info.bytes() >= 8L * rows * cols, "bytes=" + info.bytes());
        assertEquals(PID, info.pid());
        assertEquals(refs.get("X"), info.ref());
        // Registered and not mapped anywhere: the pin alone keeps it, as the kernel shows no holder.
        Path xFile = store().file(info.ref().path());
        assertTrue(Files.exists(xFile));
        assertFalse(KernelLocks.lockedByAnyone(xFile), "no process holds a registered variable nobody retrieved");
        assertEquals(List.of(), store().sweep(), "a sweep keeps registered variables");

        String expected = hexes(correlationsHere(ns));
        try (ChildJvm child = ChildJvm.start(FLAGS, NamespaceChild.class)) {
            child.expect("ready", 60);
            child.send("open " + DIR + " ID123");
            child.expect("open ok", 60);
            child.send("corr");
            assertEquals(expected, child.expect("corr ", 120), "the child's correlations equal this process's");
            child.send("exit");
            child.expect("exit ok", 30);
        }
        ns.releaseViews();
        ns.releaseVariables("X", "y");
        assertEquals(List.of(), ns.names());
        assertEquals(-1, KernelLocks.inode(xFile), "unregistered with no view anywhere: the file is deleted");
        assertEquals(List.of(), store().regionNames());
    }

    private static double[] correlationsHere(Namespace ns) {
        Map<String, SharedObject> v = ns.retrieve("X", "y");
        return NamespaceChild.correlations((SharedMatrix) v.get("X"), (SharedDoubleArray) v.get("y"));
    }

    private static String hexes(double[] d) {
        return Stream.of(d).flatMapToDouble(java.util.Arrays::stream)
                .mapToObj(v -> Long.toHexString(Double.doubleToLongBits(v))).collect(Collectors.joining(","));
    }

    @Test
    void badNamesAndMissingVariablesAreClearErrors() {
        Namespace ns = store().namespace("errors");
        ns.register("a", new int[] {1});
        Set<String> before = Set.copyOf(store().regionNames());
        NameExistsException twice = assertThrows(NameExistsException.class, () -> ns.register("a", new int[] {2}));
        assertTrue(twice.getMessage().contains("namespace=errors") && twice.getMessage().contains("[a]"), twice.getMessage());
        assertEquals(before, Set.copyOf(store().regionNames()), "the loser's region is gone at once");
        NameNotFoundException missing = assertThrows(NameNotFoundException.class, () -> ns.retrieve("b"));
        assertTrue(missing.getMessage().contains("variable=b") && missing.getMessage().contains("registered=[a]"),
                missing.getMessage());
        assertThrows(NameNotFoundException.class, () -> ns.releaseVariables("a", "b"), "all or nothing");
        assertEquals(List.of("a"), ns.names());
        assertThrows(IllegalArgumentException.class, () -> store().namespace(""));
        assertThrows(IllegalArgumentException.class, () -> ns.register("bad\ud800", 1));
        assertThrows(IllegalArgumentException.class, () -> ns.register("x".repeat(Namespace.MAX_NAME_CHARS + 1), 1));

        // All or nothing: a view that cannot be registered (closed) leaves nothing of the others behind.
        SharedDoubleArray closed = store().share(new double[] {1});
        closed.close();
        Map<String, Object> mixed = new LinkedHashMap<>();
        mixed.put("fine", new int[] {1, 2});
        mixed.put("closed", closed);
        Set<String> filesBefore = Set.copyOf(store().regionNames());
        assertThrows(RegionReleasedException.class, () -> ns.register(mixed));
        assertEquals(List.of("a"), ns.names(), "nothing registered");
        assertEquals(filesBefore, Set.copyOf(store().regionNames()), "and no region of it left");

        // The longest names accepted fit in the directory.
        String longest = "v".repeat(Namespace.MAX_NAME_CHARS);
        Namespace wide = store().namespace("n".repeat(Namespace.MAX_NAME_CHARS));
        wide.register(longest, new long[] {7});
        assertEquals(7L, ((SharedLongArray) wide.view(longest)).getLong(0));
        wide.releaseViews();
        wide.releaseVariables(longest);

        // Any Unicode, any length up to the limit, names that look like each other's prefixes.
        String long1 = "données-🌳-" + "x".repeat(20_000);
        Namespace other = store().namespace("err");
        other.register("orsa", 5);
        ns.register(long1, "value");
        assertEquals(List.of("a", long1), ns.names());
        assertEquals(List.of("orsa"), other.names(), "namespace 'err' + 'orsa' is not 'errors' + 'a'");
        SharedString s = ns.view(long1);
        assertEquals("value", s.toString());

        // replace: the new value under the old name; the old region goes once nobody holds it.
        Path oldFile = store().file(ns.info("a").ref().path());
        ns.replace(Map.of("a", new int[] {9, 9}));
        assertEquals(9, ((SharedIntArray) ns.view("a")).getInt(1));
        assertEquals(-1, KernelLocks.inode(oldFile), "the replaced region is deleted");

        // A variable whose region was deleted behind the namespace's back.
        SharedRef ref = ns.info("a").ref();
        ns.releaseViews();
        assertTrue(store().delete(ref.path()));
        RegionNotFoundException gone = assertThrows(RegionNotFoundException.class, () -> ns.retrieve("a"));
        assertTrue(gone.getMessage().contains("namespace=errors variable=a"), gone.getMessage());
        other.releaseVariables("orsa");
    }

    /** A registered variable outlives the process that registered it; its reference stays valid meanwhile. */
    @Test
    void aVariableOutlivesItsRegistrarAndItsReferenceMapsLater() throws Exception {
        try (ChildJvm child = ChildJvm.start(FLAGS, NamespaceChild.class)) {
            child.expect("ready", 60);
            child.send("open " + DIR + " outlive");
            child.expect("open ok", 60);
            child.send("race v");
            assertEquals("won", child.expect("race ", 60));
            child.send("exit");
            child.expect("exit ok", 30);
            assertEquals(0, child.waitFor(30));
        }
        Namespace ns = store().namespace("outlive");
        VariableInfo info = ns.info("v");
        // Its own region, not the whole sweep: another test's region may be past its lease right now.
        List<String> swept = store().sweep();
        assertFalse(swept.contains(info.ref().regionName()), "the registrar is gone; the pin keeps its region: " + swept);
        assertTrue(Files.exists(store().file(info.ref().path())), "the pinned region's file is still there");
        try (SharedDoubleArray later = store().map(info.ref())) {
            assertEquals(info.pid(), (long) later.getDouble(0), "the value its registrar wrote");
        }
        ns.releaseVariables("v");
        // Its file, not the whole store: another test's leased region may still be waiting for its lease to end.
        assertFalse(Files.exists(store().file(info.ref().path())), "unregistered and unheld: deleted at once");
    }

    /** 8 processes race for one name 100 times: exactly one wins each round, and no loser leaves a region. */
    @Test
    void ofManyRacingRegistrarsExactlyOneWins() {
        int processes = 8;
        int rounds = 100;
        Namespace ns = store().namespace("race");
        List<ChildJvm> children = ChildJvm.startAll(processes, FLAGS, NamespaceChild.class);
        try {
            for (ChildJvm c : children) {
                c.send("open " + DIR + " race");
            }
            for (ChildJvm c : children) {
                c.expect("open ok", 120);
            }
            for (int round = 0; round < rounds; round++) {
                for (ChildJvm c : children) {
                    c.send("race r");
                }
                int won = 0;
                for (ChildJvm c : children) {
                    String answer = c.expect("race ", 60);
                    assertTrue(answer.equals("won") || answer.equals("lost"), answer);
                    won += answer.equals("won") ? 1 : 0;
                }
                assertEquals(1, won, "round " + round);
                assertEquals(List.of("r"), ns.names());
                assertEquals(1, store().regionNames().size(), "round " + round + ": only the winner's region");
                ns.releaseVariables("r");
            }
        } finally {
            children.forEach(ChildJvm::close);
        }
        assertEquals(List.of(), store().regionNames());
    }

    /** 4 processes x 200 cycles of register / retrieve / release / unregister under their own names. */
    @Test
    void churnFromSeveralProcessesLeavesDirectoryAndStoreConsistent() {
        List<ChildJvm> children = ChildJvm.startAll(4, FLAGS, NamespaceChild.class);
        try {
            for (ChildJvm c : children) {
                c.send("open " + DIR + " churn");
            }
            for (ChildJvm c : children) {
                c.expect("open ok", 120);
            }
            for (int i = 0; i < children.size(); i++) {
                children.get(i).send("cycles 200 p" + i + "-");
            }
            for (ChildJvm c : children) {
                assertEquals("ok", c.expect("cycles ", 300));
            }
        } finally {
            children.forEach(ChildJvm::close);
        }
        assertEquals(List.of(), store().namespace("churn").names());
        assertEquals(List.of(), store().regionNames());
    }

    /**
     * A child killed by pid at random points of register / replace / unregister, 30 times (where each kill landed
     * read from the child's {@link Progress} file): each time another process registers, retrieves and unregisters
     * within a minute (a lock the victim left that is never recovered fails it), and the store holds exactly the regions the
     * directory names, each pinned, nothing orphaned.
     */
    @Test
    void aProcessKilledInsideAnOperationLeavesTheNamespaceUsable() throws Exception {
        Random rnd = new Random(11);
        Namespace ns = store().namespace("kill");
        int rounds = Integer.getInteger("grove.test.namespaceKills", 30);
        long rebuilds = dev.grove.internal.Names.rebuilds();
        int insideOperations = 0;
        for (int round = 0; round < rounds; round++) {
            try (ChildJvm child = ChildJvm.start(FLAGS, NamespaceChild.class)) {
                child.expect("ready", 60);
                child.send("open " + DIR + " kill");
                child.expect("open ok", 60);
                try (Progress progress = Progress.create(Path.of("target", "kill-progress"))) {
                    child.send("churn k " + progress.path());
                    child.expect("churn started", 30);
                    insideOperations += progress.killDuringOperations(child, 5, rnd).inside() ? 1 : 0;
                }
            }
            long value = round;
            // Chronicle Map's own lock, left taken by the victim, would make this spin: bound it.
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                ns.register("after", new long[] {value});
                assertEquals(value, ((SharedLongArray) ns.view("after")).getLong(0));
                ns.releaseViews("after");
                ns.releaseVariables("after");
            }, "round " + round + ": another process registers, retrieves and unregisters within 60 s");
            // The victim's unsealed leftovers (killed inside share) wait out a grace period for a creator that
            // might still be at work; none is here, so sweep with none.
            dev.grove.internal.Regions.sweep(dev.grove.internal.StoreDir.open(DIR), 0);
            assertConsistent(ns);
        }
        // The kills landed inside operations: the directory was found mid-update and rebuilt, here.
        long rebuilt = dev.grove.internal.Names.rebuilds() - rebuilds;
        System.out.println("namespace kill rounds: " + rounds + ", inside an operation: " + insideOperations
                + ", directory rebuilt after " + rebuilt);
        assertTrue(insideOperations >= rounds / 2, "kills inside an operation: " + insideOperations + " of " + rounds);
        assertTrue(rebuilt > 0, "no kill landed inside a directory update in " + rounds + " rounds");
        ns.releaseVariables(ns.names().toArray(String[]::new));
        assertEquals(List.of(), store().regionNames());
    }

    /** Every region file in the store is named by exactly one variable and pinned; every variable's region exists. */
    private static void assertConsistent(Namespace ns) {
        Set<String> named = ns.names().stream().map(v -> ns.info(v).ref().regionName()).collect(Collectors.toSet());
        assertEquals(ns.names().size(), named.size(), "one region per variable");
        assertEquals(named, Set.copyOf(store().regionNames()), "the store holds exactly the named regions");
        for (String region : named) {
            assertEquals(1, store().pins("/" + region).size(), "one registration pin on /" + region);
        }
    }

    /** {@code grove ns ls} and {@code grove ns rm} from another JVM, and {@code grove ls} naming the keeper. */
    @Test
    void theCommandLineListsAndRemovesVariables() {
        Namespace ns = store().namespace("cli");
        SharedRef ref = ns.register("temperatures", new double[] {1, 2, 3});
        List<String> opts = new ArrayList<>(FLAGS);
        String ls = String.join("\n", run(opts, "--store", DIR.toString(), "ns", "ls", "cli"));
        assertTrue(ls.contains("temperatures") && ls.contains("SharedDoubleArray(3)") && ls.contains(ref.path()), ls);
        String regions = String.join("\n", run(opts, "--store", DIR.toString(), "ls"));
        assertTrue(regions.contains(ref.path() + " kept by namespace cli, variable temperatures"), regions);
        String rm = String.join("\n", run(opts, "--store", DIR.toString(), "ns", "rm", "cli", "temperatures"));
        assertTrue(rm.contains("unregistered: [temperatures]"), rm);
        assertEquals(List.of(), ns.names());
        assertEquals(-1, KernelLocks.inode(store().file(ref.path())), "unregistered and unheld: deleted");
    }

    /** Runs the {@code grove} command in a child JVM and returns what it printed. */
    private static List<String> run(List<String> opts, String... args) {
        try (ChildJvm child = ChildJvm.start(opts, dev.grove.cli.GroveCommand.class, args)) {
            List<String> lines = new ArrayList<>();
            for (;;) {
                String line;
                try {
                    line = child.poll(120_000); // silence this long means the command is stuck
                } catch (AssertionError ended) {
                    break; // the command printed everything and exited
                }
                if (line == null) {
                    break;
                }
                lines.add(line);
            }
            assertEquals(0, child.waitFor(30), "exit code; printed: " + lines + " stderr: " + child.stderr());
            return lines;
        }
    }

    @Test
    void sharingAndMappingNeverLoadChronicleMap() throws Exception {
        Path log = Files.createTempFile("grove-classes", ".log");
        try {
            assertFalse(loaded(log, "share"), "share + map loaded no net.openhft class");
            assertTrue(loaded(log, "namespace"), "the control: a namespace does load it");
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Runs a child that shares and maps (and opens a namespace, if asked); whether it loaded Chronicle Map. */
    private static boolean loaded(Path log, String what) throws Exception {
        List<String> opts = new ArrayList<>(FLAGS);
        opts.add("-Xlog:class+load=info:file=" + log);
        try (ChildJvm child = ChildJvm.start(opts, NamespaceChild.class)) {
            child.expect("ready", 60);
            if (what.equals("namespace")) {
                child.send("open " + DIR + " classes");
                child.expect("open ok", 60);
                child.send("race c");
                assertEquals("won", child.expect("race ", 60));
                store().namespace("classes").releaseVariables("c");
            } else {
                try (SharedDoubleArray v = store().share(new double[] {1, 2})) {
                    child.send("map " + v.ref());
                    assertEquals("ok", child.expect("map ", 60));
                }
            }
            child.send("exit");
            child.expect("exit ok", 30);
            child.waitFor(30);
        }
        return Files.readString(log).contains("net.openhft");
    }
}
