package dev.grove.cli;

import dev.grove.Grove;
import dev.grove.GroveException;
import dev.grove.SharedObject;
import dev.grove.internal.Hold;
import dev.grove.internal.Inspector;
import dev.grove.internal.Node;
import dev.grove.internal.PathSyntax;
import dev.grove.internal.Pins;
import dev.grove.internal.Registration;
import dev.grove.internal.Regions;
import dev.grove.internal.StoreDir;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code grove} command: list, inspect, verify, sweep and remove regions in a store.
 * Exit codes: 0 done, 1 failed (the message says why), 2 bad usage, 3 refused (region in use).
 */
public final class GroveCommand {
    static final int OK = 0, FAILED = 1, USAGE = 2, REFUSED = 3;

    private static final String HELP = """
            usage: grove [--store DIR] COMMAND [ARGS]

            commands:
              ls                    list regions: name, size, state (sealed, writing, or spare:
                                    kept for reuse by its creator), holders (pids), age, lease left,
                                    pins, and whether gc would delete it now; then what is reclaimable
              inspect PATH [--depth N] [--width N]
                                    print the node tree at PATH (e.g. /grove_1a_9f3c[2]) with types and sizes
              verify PATH           recompute the region's checksum and compare with the stored one
              gc [--grace SECONDS]  delete regions nobody holds and no lease protects, now; unsealed
                                    files must also be older than the grace (default 10)
              rm NAME [--force]     delete a region file; refused while a process holds it, unless forced
              ns ls [NAMESPACE]     namespaces with their variables (or one namespace's variables):
                                    name, type, size, path, registered when and by which pid
              ns rm NAMESPACE VAR...
                                    unregister variables; each region goes once nobody holds it
              store ls DIR          a lazy store's objects: name, type, bytes, modifications, file
                                    (from its index: nothing is loaded)
              store info DIR NAME   what the index records about one object
              store verify DIR      check every object against its checksum; exit 1 naming damaged ones
              help                  this text

            The store is --store DIR, else the system property grove.store, else $GROVE_STORE, else
            /dev/shm/grove-<user>.
            exit codes: 0 done, 1 failed, 2 bad usage, 3 refused (region in use)
            """;

    private GroveCommand() {
    }

    /** Runs one command and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns the exit code. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        List<String> args = new ArrayList<>(List.of(argv));
        try {
            String storeDir = option(args, "--store");
            if (args.isEmpty() || args.contains("--help") || args.contains("-h") || args.get(0).equals("help")) {
                out.print(HELP);
                return args.isEmpty() ? USAGE : OK;
            }
            if (storeDir != null) {
                System.setProperty("grove.store", storeDir);
            }
            StoreDir store = StoreDir.defaultStore();
            String cmd = args.remove(0);
            return switch (cmd) {
                case "ls" -> ls(store, args, out);
                case "inspect" -> inspect(store, args, out);
                case "verify" -> verify(args, out);
                case "gc" -> gc(store, args, out);
                case "rm" -> rm(store, args, out, err);
                case "ns" -> Namespaces.run(args, out);
                case "store" -> LazyStores.run(args, out);
                default -> usage(err, "unknown command: " + cmd);
            };
        } catch (UsageException e) {
            return usage(err, e.getMessage());
        } catch (GroveException e) {
            err.println("grove: " + e.getMessage());
            return FAILED;
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("grove: " + problem);
        err.println("try: grove --help");
        return USAGE;
    }

    private static int ls(StoreDir store, List<String> args, PrintStream out) {
        noMore(args);
        out.printf("%-36s %14s %-8s %-20s %10s %10s %5s %s%n", "NAME", "SIZE", "STATE", "HOLDERS", "AGE", "LEASE",
                "PINS", "RECLAIMABLE");
        long reclaimable = 0;
        int count = 0;
        for (Inspector.Entry e : Inspector.list(store)) {
            String holders = e.holderPids().isEmpty() ? (e.held() ? "held" : "-") : e.holderPids().toString();
            out.printf("%-36s %14d %-8s %-20s %10s %10s %5d %s%n", "/" + e.name(), e.size(), e.state(), holders,
                    seconds(e.ageMillis()), e.leaseLeftMillis() == 0 ? "-" : seconds(e.leaseLeftMillis()), e.pins(),
                    e.reclaimable() ? "yes" : "no");
            if (e.reclaimable()) {
                reclaimable += e.size();
                count++;
            }
        }
        out.printf("reclaimable now: %d regions, %d bytes (grove gc deletes them)%n", count, reclaimable);
        for (Pins.Pin p : Pins.all(store.directory())) {
            Registration r = Registration.ofPin(store.directory(), p.name());
            if (r != null) {
                out.printf("/%s kept by namespace %s, variable %s%n", p.region(), r.namespace(), r.variable());
            }
        }
        return OK;
    }

    private static String seconds(long millis) {
        return String.format("%.1fs", millis / 1000.0);
    }

    private static int inspect(StoreDir store, List<String> args, PrintStream out) {
        int depth = intOption(args, "--depth", 3);
        int width = intOption(args, "--width", 20);
        String path = single(args, "PATH");
        PathSyntax.Parsed p = PathSyntax.parse(path);
        // Mapping the view first reports a path that leads nowhere the way the library does.
        try (SharedObject ignored = Grove.map(path)) {
            Objects.requireNonNull(store);
        }
        Hold hold = Regions.open(store, p.name(), 0);
        try {
            Node n = hold.region().rootNode();
            for (int d = 0; d < p.indices().length; d++) {
                n = n.child(p.indices()[d], p.prefix(d + 1));
                if (n == null) {
                    out.println(p.prefix(d + 1) + "  null");
                    return OK;
                }
            }
            StringBuilder sb = new StringBuilder();
            Inspector.tree(n, depth, width, sb);
            out.print(sb);
            return OK;
        } catch (IllegalStateException e) {
            // A matrix row or string element: no node of its own below its container.
            throw new UsageException("inspect stops at containers; " + path + " is an element of an array");
        } finally {
            hold.release();
        }
    }

    private static int verify(List<String> args, PrintStream out) {
        String path = single(args, "PATH");
        Grove.verify(path);
        out.println("ok " + path);
        return OK;
    }

    private static int gc(StoreDir store, List<String> args, PrintStream out) {
        int grace = intOption(args, "--grace", (int) (Regions.DEFAULT_GRACE_MILLIS / 1000));
        noMore(args);
        List<String> freed = Regions.sweep(store, grace * 1000L);
        for (String name : freed) {
            out.println("freed /" + name);
        }
        out.println(freed.size() + " region(s) freed");
        return OK;
    }

    private static int rm(StoreDir store, List<String> args, PrintStream out, PrintStream err) {
        boolean force = args.remove("--force");
        String name = single(args, "NAME");
        if (name.startsWith("/")) {
            name = name.substring(1);
        }
        if (!StoreDir.isValidName(name)) {
            throw new UsageException("not a region name: " + name);
        }
        Path f = store.file(name);
        if (!Files.exists(f)) {
            err.println("grove: no such region: region=/" + name + " store=" + store);
            return FAILED;
        }
        if (!force && Regions.isHeld(store, name)) {
            err.println("grove: region is in use, not removed (use --force to remove it anyway): region=/" + name);
            return REFUSED;
        }
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            err.println("grove: cannot remove region=/" + name + ": " + e);
            return FAILED;
        }
        out.println("removed /" + name);
        return OK;
    }

    private static String option(List<String> args, String name) {
        int i = args.indexOf(name);
        if (i < 0) {
            return null;
        }
        if (i + 1 >= args.size()) {
            throw new UsageException(name + " needs a value");
        }
        String v = args.get(i + 1);
        args.remove(i + 1);
        args.remove(i);
        return v;
    }

    private static int intOption(List<String> args, String name, int dflt) {
        String v = option(args, name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a non-negative whole number, not " + v);
        }
    }

    private static String single(List<String> args, String what) {
        if (args.size() != 1) {
            throw new UsageException("expected exactly one " + what + ", got " + args);
        }
        return args.get(0);
    }

    private static void noMore(List<String> args) {
        if (!args.isEmpty()) {
            throw new UsageException("unexpected arguments: " + args);
        }
    }

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
