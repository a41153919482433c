package dev.grove.cli;

import dev.grove.LazyStore;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** {@code grove store}: a lazy store from the shell, read from its index without loading any object. */
final class LazyStores {
    private LazyStores() {
    }

    static int run(List<String> args, PrintStream out) {
        if (args.size() < 2) {
            throw new GroveCommand.UsageException("store needs ls, info or verify and a DIR");
        }
        String sub = args.remove(0);
        Path dir = Path.of(args.remove(0));
        try (LazyStore s = LazyStore.open(dir)) {
            switch (sub) {
                case "ls" -> {
                    out.printf("version %d, %d objects in %s%n", s.version(), s.names().size(), s.directory());
                    out.printf("%-32s %-20s %14s %6s %s%n", "NAME", "TYPE", "BYTES", "MODS", "FILE");
                    for (String n : s.names()) {
                        LazyStore.Entry e = s.info(n);
                        out.printf("%-32s %-20s %14d %6d %s%n", n, e.type(), e.bytes(), e.modifications(), e.region());
                    }
                    return GroveCommand.OK;
                }
                case "info" -> {
                    if (args.size() != 1) {
                        throw new GroveCommand.UsageException("store info needs DIR and one NAME");
                    }
                    LazyStore.Entry e = s.info(args.get(0));
                    out.printf("name %s%ntype %s%nbytes %d%nmodifications %d%nfile %s%nregion id %016x%nchecksum %08x%n",
                            e.name(), e.type(), e.bytes(), e.modifications(), s.directory().resolve(e.region()),
                            e.regionId(), e.checksum());
                    return GroveCommand.OK;
                }
                case "verify" -> {
                    List<String> bad = s.verify();
                    if (bad.isEmpty()) {
                        out.println("all " + s.names().size() + " objects match their checksums");
                        return GroveCommand.OK;
                    }
                    out.println("damaged: " + bad);
                    return GroveCommand.FAILED;
                }
                default -> throw new GroveCommand.UsageException("unknown store command: " + sub);
            }
        }
    }
}
