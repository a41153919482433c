package dev.grove.integrations;

import dev.grove.test.ChildJvm;
import dev.grove.test.Leaks;
import example.app.Unlisted;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Apache Dubbo 3.3 in two child JVMs on loopback (dubbo protocol, direct URL, no registry), serialization
 * checks STRICT with automatic trust off, and an allow list of one line, {@code dev.grove.}, plus the
 * service's own package: once with Dubbo's default hessian2, once with {@link GroveForySerialization}.
 * Bytes carried are the consumer's {@code wchar} / {@code rchar} in {@code /proc/PID/io}.
 */
class DubboTest {
    private static final int N = 2_000_000; // 16 MB of doubles

    /** The allow list the guide documents: Grove, and the application's own classes. */
    static final List<String> ALLOW = List.of(
            "-Ddubbo.security.serialize.allowedClassList=dev.grove.,dev.grove.integrations.Summer", "-Ddubbo.application.logger=jdk");

    @AfterAll
    static void nothingLeft() {
        Leaks.assertNoRegionsLeft(30);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hessian2", "grove-fory"})
    void aCallCarriesAViewUnderAStrictAllowList(String serialization) {
        int port = Children.freePorts(1)[0];
        try (ChildJvm provider = Children.start(ALLOW, DubboChild.class, "provider", Integer.toString(port), serialization)) {
            provider.expect("ready", 120);
            try (ChildJvm consumer = Children.start(ALLOW, DubboChild.class, "consumer", Integer.toString(port), serialization)) {
                consumer.expect("ready", 120);
                String view = Children.ask(consumer, "check-view " + N + " 1", provider);
                String plain = Children.ask(consumer, "check-plain " + N + " 2", provider);
                String fetched = Children.ask(consumer, "fetch " + N + " 3", provider);
                assertTrue(view.startsWith("ok"), view);
                assertTrue(plain.startsWith("ok"), plain);
                assertTrue(fetched.startsWith("ok"), fetched);
                long viewBytes = Children.number(view, "wchar");
                long plainBytes = Children.number(plain, "wchar");
                long fetchedBytes = Children.number(fetched, "rchar");
                System.out.printf("Dubbo %s, %s array: request carried %d bytes with a view, %d with the array; "
                                + "the provider allocated %s vs %s of heap; a view as the reply %d bytes%n", serialization,
                        Children.mb(N * 8L), viewBytes, plainBytes, Children.mb(Children.number(view, "alloc")),
                        Children.mb(Children.number(plain, "alloc")), fetchedBytes);
                assertTrue(viewBytes < 64 * 1024, "a view must travel as a reference: wchar=" + viewBytes);
                assertTrue(fetchedBytes < 64 * 1024, "a view must come back as a reference: rchar=" + fetchedBytes);
                if (serialization.equals("grove-fory")) {
                    assertTrue(plainBytes < 64 * 1024, "grove-fory moves large plain arrays through shared memory: wchar=" + plainBytes);
                } else {
                    assertTrue(plainBytes >= N * 8L, "the meter must see the plain array leave: wchar=" + plainBytes);
                }
                // The control: the allow list is enforced, and refuses a class it does not name.
                consumer.send("unlisted");
                String refused = consumer.expect("unlisted ", 60);
                assertTrue(refused.startsWith("error") && refused.contains(Unlisted.class.getName()),
                        "a class off the allow list must be refused, by name: " + refused);
                consumer.send("exit");
                consumer.waitFor(60);
            }
            provider.closeInput();
            provider.waitFor(60);
        }
    }
}
