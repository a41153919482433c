package dev.grove;

import dev.grove.internal.Clock;
import dev.grove.internal.Config;
import dev.grove.internal.Names;
import dev.grove.internal.Registration;
import dev.grove.internal.Pins;
import dev.grove.internal.Region;
import dev.grove.internal.Regions;
import dev.grove.internal.StoreDir;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Named shared variables, visible to every process of the user on the machine (memshare's namespaces).
 * {@link #register} shares values (or takes views already shared) and records each under its name;
 * {@link #retrieve} returns views of them in any process; {@link #releaseViews} closes this process's views;
 * {@link #releaseVariables} unregisters, and each region is freed once no process holds a view of it and no
 * reference lease runs.
 *
 * <p>A registered variable keeps its region alive by a <em>pin</em> (see {@link Pin}), not by any process:
 * it survives the process that registered it, and its reference ({@link VariableInfo#ref()}) may be stored
 * anywhere and mapped later, until the variable is unregistered. The directory of names is a Chronicle Map
 * in the store directory, opened on first use (about 1.5 s in a fresh JVM, which compiles code for it; a few
 * milliseconds after); it needs the JVM options in {@link #jvmOptions()}. Sharing, mapping and the
 * serializers never load it.
 *
 * <p>Names of namespaces and variables may be any non-empty text of valid Unicode (no unpaired surrogate),
 * up to {@value #MAX_NAME_CHARS} characters. Every operation is atomic across processes: of many processes
 * registering one name at once, exactly one succeeds and the others get {@link NameExistsException}, with
 * nothing of theirs left in the store. A process killed anywhere inside an operation leaves the namespace
 * usable by every other process at once: the next access finds the directory's dirty mark and rebuilds it
 * from the registration pins, so no name points to a missing region and no region is kept by a name that
 * does not exist.
 *
 * <p>Thread-safe. One object per namespace and store in a process.
 */
public final class Namespace {
    /** The longest name accepted, in chars. */
    public static final int MAX_NAME_CHARS = 65_536;
    private static final Map<String, Namespace> OPEN = new ConcurrentHashMap<>();

    private final RegionStore store;
    private final StoreDir internal;
    private final String name;
    /** The views {@link #retrieve} handed out in this process, by variable, for {@link #releaseViews}. */
    private final Map<String, List<SharedObject>> views = new ConcurrentHashMap<>();

    private Namespace(RegionStore store, StoreDir internal, String name) {
        this.store = store;
        this.internal = internal;
        this.name = name;
    }

    /**
     * The namespace {@code name} in the default store, created on first registration.
     *
     * @throws IllegalArgumentException if the name is empty, too long or not valid Unicode
     */
    public static Namespace open(String name) {
        return RegionStore.defaultStore().namespace(name);
    }

    static Namespace of(RegionStore store, StoreDir internal, String name) {
        check("namespace", name);
        return OPEN.computeIfAbsent(internal.directory() + "\u0000" + name, k -> new Namespace(store, internal, name));
    }

    /**
     * The JVM options every JVM that uses namespaces needs (Chronicle Map reaches into the JDK), also the ones
     * that keep its analytics off; pass them to worker JVMs.
     */
    public static List<String> jvmOptions() {
        return Names.JVM_OPTIONS;
    }

    /** The namespace's name. */
    public String name() {
        return name;
    }

    /** The store whose regions and directory this namespace uses. */
    public RegionStore store() {
        return store;
    }

    // ---------------------------------------------------------------- registering

    /**
     * Registers each value under its name: a value Grove can share is copied into a new region once; a view
     * ({@link SharedObject}) of this store is registered as it is, without a copy. All or nothing.
     *
     * @return the reference of each variable, in the map's order
     * @throws NameExistsException      if a name is registered already (nothing is registered then)
     * @throws UnsupportedTypeException if a value cannot be shared
     * @throws IllegalArgumentException if a name is not valid, or a view belongs to another store
     */
    public Map<String, SharedRef> register(Map<String, ?> values) {
        return register(values, false);
    }

    /** Registers one value; see {@link #register(Map)}. */
    public SharedRef register(String variable, Object value) {
        return register(Map.of(variable, value)).get(variable);
    }

    /**
     * As {@link #register(Map)}, but a name registered already is registered anew: its old region is unpinned
     * and freed once nobody holds it.
     */
    public Map<String, SharedRef> replace(Map<String, ?> values) {
        return register(values, true);
    }

    private Map<String, SharedRef> register(Map<String, ?> values, boolean replace) {
        values.keySet().forEach(v -> check("variable", v));
        Map<String, SharedObject> shared = new LinkedHashMap<>();
        List<SharedObject> made = new ArrayList<>();
        try {
            for (Map.Entry<String, ?> e : values.entrySet()) {
                SharedObject v;
                if (e.getValue() instanceof SharedObject given) {
                    v = given;
                    Region r = Views.handle(given).region();
                    if (r.store() != internal) {
                        throw new IllegalArgumentException("view belongs to another store: namespace=" + name
                                + " variable=" + e.getKey() + " path=" + given.path() + " store=" + r.store());
                    }
                } else {
                    v = store.share(e.getValue());
                    made.add(v);
                }
                shared.put(e.getKey(), v);
            }
            return Names.of(internal).run(a -> {
                if (!replace) {
                    List<String> taken = shared.keySet().stream()
                            .filter(v -> a.map().containsKey(Names.key(name, v))).toList();
                    if (!taken.isEmpty()) {
                        throw new NameExistsException("variable registered already: namespace=" + name
                                + " variables=" + taken);
                    }
                }
                // Everything that can refuse is checked before the first change (a closed view, say).
                shared.values().forEach(view -> Views.handle(view).check());
                a.changing();
                Map<String, SharedRef> refs = new LinkedHashMap<>();
                shared.forEach((variable, view) -> refs.put(variable, record(a, variable, view)));
                return refs;
            });
        } finally {
            made.forEach(SharedObject::close); // the pins keep what was registered; a loser's regions go now
        }
    }

    /** Under the directory lock: pins the view's region with the registration and enters it in the map. */
    private SharedRef record(Names.Access a, String variable, SharedObject view) {
        Handle h = Views.handle(view);
        h.check();
        Region r = h.region();
        SharedRef ref = RegionStore.refTo(r, view.path(), 0); // no lease: the pin keeps the region
        String key = Names.key(name, variable);
        CharSequence old = a.map().get(key);
        Registration[] reg = new Registration[1];
        Pins.pin(internal, r.name(), pin -> {
            reg[0] = new Registration(name, variable, ref.toString(), r.name(), describe(view),
                    r.segment().byteSize(), Clock.millis(), ProcessHandle.current().pid(),
                    Config.userName(), pin);
            return reg[0].text().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        });
        a.map().put(key, reg[0].text());
        if (old != null) {
            drop(Registration.parse(old));
        }
        return ref;
    }

    /** Unpins a registration that is no longer in the map and frees its region if nothing else keeps it. */
    private void drop(Registration r) {
        if (r != null) {
            Pins.unpin(internal, r.pin());
            Regions.deleteIfFree(internal, r.regionName());
        }
    }

    // ---------------------------------------------------------------- retrieving

    /**
     * Views of the named variables, mapped in this process (a region already mapped here costs a lookup).
     * The views stay open until {@link #releaseViews} or {@code close()}, or until garbage collected.
     *
     * @throws NameNotFoundException    if a name is not registered, naming those that are
     * @throws RegionNotFoundException if a variable's region was deleted behind the namespace's back
     *                                  ({@code grove rm --force}, a cleaned store)
     */
    public Map<String, SharedObject> retrieve(String... variables) {
        for (String v : variables) {
            check("variable", v);
        }
        Map<String, SharedObject> out = new LinkedHashMap<>();
        Names.of(internal).run(a -> {
            List<Registration> regs = new ArrayList<>();
            for (String v : variables) {
                regs.add(lookup(a, v));
            }
            try {
                for (Registration r : regs) {
                    out.put(r.variable(), mapRegistered(r));
                }
            } catch (RuntimeException e) {
                out.values().forEach(SharedObject::close);
                throw e;
            }
            return null;
        });
        out.forEach((v, view) -> views.computeIfAbsent(v, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(view));
        return out;
    }

    /**
     * The view of one variable, typed as the caller expects ({@link SharedMatrix}, {@link SharedDoubleArray},
     * ...); see {@link #retrieve(String...)}.
     */
    @SuppressWarnings("unchecked")
    public <T extends SharedObject> T view(String variable) {
        return (T) retrieve(variable).get(variable);
    }

    private SharedObject mapRegistered(Registration r) {
        try {
            return store.map(SharedRef.parse(r.ref()));
        } catch (RegionNotFoundException e) {
            throw new RegionNotFoundException("registered variable's region is gone (deleted by force?): namespace="
                    + name + " variable=" + r.variable() + " path=" + r.ref(), e);
        }
    }

    private Registration lookup(Names.Access a, String variable) {
        CharSequence text = a.map().get(Names.key(name, variable));
        Registration r = text == null ? null : Registration.parse(text);
        if (r == null) {
            throw new NameNotFoundException("no such variable: namespace=" + name + " variable=" + variable
                    + " registered=" + namesIn(a));
        }
        return r;
    }

    // ---------------------------------------------------------------- releasing

    /**
     * Closes the views this process retrieved of the named variables (of every variable, if none is named).
     * Views of other processes are not affected.
     *
     * @return how many views were closed
     */
    public int releaseViews(String... variables) {
        Collection<String> which = variables.length == 0 ? List.copyOf(views.keySet()) : List.of(variables);
        int n = 0;
        for (String v : which) {
            List<SharedObject> list = views.remove(v);
            if (list != null) {
                for (SharedObject o : list) {
                    if (o.isOpen()) {
                        o.close();
                        n++;
                    }
                }
            }
        }
        return n;
    }

    /**
     * Unregisters the named variables: their names are gone at once for every process, and each region is
     * freed when no process holds a view of it and no lease runs. All or nothing.
     *
     * @throws NameNotFoundException if a name is not registered (nothing is unregistered then)
     */
    public void releaseVariables(String... variables) {
        for (String v : variables) {
            check("variable", v);
        }
        Names.of(internal).run(a -> {
            List<Registration> regs = new ArrayList<>();
            for (String v : variables) {
                regs.add(lookup(a, v));
            }
            a.changing();
            for (Registration r : regs) {
                a.map().remove(Names.key(name, r.variable()));
                drop(r);
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- listing

    /** The registered variables, sorted; reads only the directory. */
    public List<String> names() {
        return Names.of(internal).run(Namespace.this::namesIn);
    }

    private List<String> namesIn(Names.Access a) {
        String prefix = Names.prefix(name);
        TreeSet<String> out = new TreeSet<>();
        for (CharSequence k : a.map().keySet()) {
            String s = k.toString();
            if (s.startsWith(prefix)) {
                Registration r = Registration.parse(a.map().get(s));
                if (r != null && r.namespace().equals(name)) {
                    out.add(r.variable());
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * What the directory says about a variable, without mapping its data.
     *
     * @throws NameNotFoundException if it is not registered
     */
    public VariableInfo info(String variable) {
        check("variable", variable);
        Registration r = Names.of(internal).run(a -> lookup(a, variable));
        return new VariableInfo(name, r.variable(), SharedRef.parse(r.ref()), r.type(), r.bytes(),
                Instant.ofEpochMilli(r.registeredMillis()), r.pid(), r.user());
    }

    /** The namespaces of {@code store} that have at least one variable, sorted. */
    static List<String> namespacesOf(StoreDir internal) {
        return Names.of(internal).run(a -> {
            TreeSet<String> out = new TreeSet<>();
            for (CharSequence v : a.map().values()) {
                Registration r = Registration.parse(v);
                if (r != null) {
                    out.add(r.namespace());
                }
            }
            return List.copyOf(out);
        });
    }

    /** A short description of a view's type and shape, e.g. {@code SharedMatrix(double, 10000x2000)}. */
    private static String describe(SharedObject v) {
        return switch (v) {
            case SharedMatrix m -> "SharedMatrix(" + m.elementType().getSimpleName() + ", " + m.rows() + "x" + m.cols() + ")";
            case SharedList<?> l -> Views.publicName(l) + "(" + l.size() + ")";
            case SharedMap<?> m -> "SharedMap(" + m.size() + ")";
            case SharedTable t -> "SharedTable(" + t.columnNames().size() + " columns)";
            default -> Views.publicName(v);
        };
    }

    private static void check(String kind, String s) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("empty " + kind + " name: " + kind + "=" + (s == null ? "null" : "\"\""));
        }
        if (s.length() > MAX_NAME_CHARS) {
            throw new IllegalArgumentException(kind + " name too long: length=" + s.length() + " max=" + MAX_NAME_CHARS);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    throw new IllegalArgumentException(kind + " name is not valid Unicode (unpaired surrogate): index="
                            + i + " " + kind + "=" + s.substring(0, Math.min(s.length(), 80)));
                }
            }
        }
    }

    @Override
    public String toString() {
        return "namespace " + name + " in " + store;
    }
}
