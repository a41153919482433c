package dev.grove.fory;

import org.apache.fory.BaseFory;
import org.apache.fory.Fory;
import org.apache.fory.config.Language;

import java.util.List;
import java.util.Map;

/** The Fory configurations every test runs against, each with Grove and the test payloads registered. */
final class Forys {
    private Forys() {
    }

    /** A user's own class holding views in fields declared as the interfaces users write. */
    public static final class Payload {
        public String name;
        public int count;
        public List<Double> prices;
        public List<Object> mixed;
        public Map<String, Object> meta;
        public CharSequence label;
        public Object anything;

        public Payload() {
        }
    }

    static BaseFory fory(boolean requireRegistration, boolean trackRefs, boolean threadSafe) {
        var b = Fory.builder().withLanguage(Language.JAVA).requireClassRegistration(requireRegistration)
                .withRefTracking(trackRefs);
        BaseFory f = threadSafe ? b.buildThreadSafeFory() : b.build();
        GroveSerializers.register(f);
        f.register(Payload.class, 300);
        return f;
    }

    /** Every combination: registration required or not, reference tracking on or off, thread-safe or not. */
    static List<BaseFory> all() {
        List<BaseFory> out = new java.util.ArrayList<>();
        for (boolean reg : new boolean[] {true, false}) {
            for (boolean refs : new boolean[] {false, true}) {
                for (boolean ts : new boolean[] {false, true}) {
                    out.add(fory(reg, refs, ts));
                }
            }
        }
        return out;
    }

    static String describe(int index) {
        return "registration=" + ((index & 4) == 0) + " refs=" + ((index & 2) != 0) + " threadSafe=" + ((index & 1) != 0);
    }
}
