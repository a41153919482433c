package dev.grove.cli;

import dev.grove.Namespace;
import dev.grove.RegionStore;
import dev.grove.VariableInfo;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code grove ns}: namespaces from the shell. Apart from {@link GroveCommand} so that the other commands never
 * load the namespace directory (Chronicle Map).
 */
final class Namespaces {
    private Namespaces() {
    }

    static int run(List<String> args, PrintStream out) {
        if (args.isEmpty()) {
            throw new GroveCommand.UsageException("ns needs ls or rm");
        }
        RegionStore store = RegionStore.defaultStore();
        String sub = args.remove(0);
        switch (sub) {
            case "ls" -> {
                if (args.size() > 1) {
                    throw new GroveCommand.UsageException("ns ls takes at most one NAMESPACE");
                }
                List<String> which = args.isEmpty() ? store.namespaces() : List.of(args.get(0));
                out.printf("%-16s %-24s %-36s %14s %-40s %s%n", "NAMESPACE", "VARIABLE", "TYPE", "BYTES", "PATH",
                        "REGISTERED");
                for (String ns : which) {
                    Namespace n = store.namespace(ns);
                    for (String v : n.names()) {
                        VariableInfo i = n.info(v);
                        out.printf("%-16s %-24s %-36s %14d %-40s %s by pid %d (%s)%n", ns, v, i.type(), i.bytes(),
                                i.ref().path(), i.registered(), i.pid(), i.user());
                    }
                }
                return GroveCommand.OK;
            }
            case "rm" -> {
                if (args.size() < 2) {
                    throw new GroveCommand.UsageException("ns rm needs NAMESPACE and at least one VARIABLE");
                }
                Namespace n = store.namespace(args.remove(0));
                n.releaseVariables(args.toArray(String[]::new));
                out.println("unregistered: " + args);
                return GroveCommand.OK;
            }
            default -> throw new GroveCommand.UsageException("unknown ns command: " + sub);
        }
    }
}
