package dev.grove.conformance;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import dev.grove.GroveException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The module boundaries, checked on the main classes of every published module (this module's test
 * class path holds them all): only core touches core's internals, no package cycle, the engine stands
 * alone, and every jar names its module.
 */
class ArchitectureTest {
    /** Main classes only: no test directories and no test jars (core's test helpers may use internals). */
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.grove");

    @Test
    void onlyCoreUsesCoresInternals() {
        noClasses().that().resideOutsideOfPackages("dev.grove", "dev.grove.internal..", "dev.grove.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.grove.internal..")
                .because("the other modules build on core's public API only")
                .check(MAIN);
    }

    /**
     * One slice per package; the exception hierarchy is a layer of its own below everything (internals
     * throw the public exceptions), so it does not count as a cycle between dev.grove and its internals.
     */
    @Test
    void noPackageCycles() {
        SliceAssignment packages = new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                if (!c.getPackageName().startsWith("dev.grove")) {
                    return SliceIdentifier.ignore();
                }
                if (c.getPackageName().equals("dev.grove") && c.isAssignableTo(GroveException.class)) {
                    return SliceIdentifier.of("dev.grove exceptions");
                }
                return SliceIdentifier.of(c.getPackageName());
            }

            @Override
            public String getDescription() {
                return "Grove's packages, the exception hierarchy apart";
            }
        };
        slices().assignedFrom(packages).should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void theExceptionHierarchyDependsOnNothingElseOfGrove() {
        noClasses().that().areAssignableTo(GroveException.class)
                .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "Grove classes other than exceptions", c -> c.getPackageName().startsWith("dev.grove")
                                && !c.isAssignableTo(GroveException.class)))
                .check(MAIN);
    }

    @Test
    void thePropertyEngineDependsOnNoOtherGroveModule() {
        noClasses().that().resideInAPackage("dev.grove.check..")
                .should().dependOnClassesThat().resideOutsideOfPackages("dev.grove.check..", "java..")
                .check(MAIN);
    }

    /** Core reads time only through its clock, so that time has one owner a test can replace. */
    @Test
    void onlyTheClockReadsTheSystemClocks() {
        clockRule("dev.grove", "dev.grove.internal..", "dev.grove.cli..").check(MAIN);
    }

    /** The clock rule can fail: a class planted in this module's tests that reads the time itself is caught. */
    @Test
    void aPlantedReadOfTheSystemClockIsCaught() {
        assertCaught(clockRule("dev.grove.conformance.."), PlantedClockRead.class);
    }

    /**
     * Core reads its settings (system properties, the environment) only through its configuration class, so that
     * every setting has one parser, one default and one row in docs/CONFIGURATION.md.
     */
    @Test
    void onlyTheConfigurationReadsSettings() {
        settingsRule("dev.grove", "dev.grove.internal..", "dev.grove.cli..").check(MAIN);
    }

    /** The settings rule can fail: planted reads of a property, of the environment and through Long.getLong are caught. */
    @Test
    void aPlantedReadOfASettingIsCaught() {
        for (Class<?> planted : PlantedSettingRead.class.getDeclaredClasses()) {
            assertCaught(settingsRule("dev.grove.conformance.."), planted);
        }
        assertEquals(3, PlantedSettingRead.class.getDeclaredClasses().length, "planted classes");
    }

    private static void assertCaught(com.tngtech.archunit.lang.ArchRule rule, Class<?> planted) {
        JavaClasses classes = new ClassFileImporter().importClasses(planted);
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> rule.check(classes),
                planted.getSimpleName());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(planted.getSimpleName()), e.getMessage());
    }

    private static com.tngtech.archunit.lang.ArchRule settingsRule(String... packages) {
        return noClasses().that().resideInAnyPackage(packages).and().doNotHaveFullyQualifiedName("dev.grove.internal.Config")
                .should().callMethod(System.class, "getProperty", String.class)
                .orShould().callMethod(System.class, "getProperty", String.class, String.class)
                .orShould().callMethod(System.class, "getenv", String.class)
                .orShould().callMethod(System.class, "getenv")
                .orShould().callMethod(Long.class, "getLong", String.class)
                .orShould().callMethod(Long.class, "getLong", String.class, long.class)
                .orShould().callMethod(Long.class, "getLong", String.class, Long.class)
                .orShould().callMethod(Integer.class, "getInteger", String.class)
                .orShould().callMethod(Integer.class, "getInteger", String.class, int.class)
                .orShould().callMethod(Integer.class, "getInteger", String.class, Integer.class)
                .orShould().callMethod(Boolean.class, "getBoolean", String.class)
                .because("settings are read in one place, dev.grove.internal.Config");
    }

    /** Settings read the ways the rule forbids, one per class. */
    static final class PlantedSettingRead {
        static final class PlantedProperty {
            String store() {
                return System.getProperty("grove.store");
            }
        }

        static final class PlantedEnvironment {
            String store() {
                return System.getenv("GROVE_STORE");
            }
        }

        static final class PlantedGetLong {
            Long bytes() {
                return Long.getLong("grove.recycle.bytes");
            }
        }
    }

    private static com.tngtech.archunit.lang.ArchRule clockRule(String... packages) {
        return noClasses().that().resideInAnyPackage(packages).and().doNotHaveFullyQualifiedName("dev.grove.internal.Clock")
                .should().callMethod(System.class, "currentTimeMillis").orShould().callMethod(System.class, "nanoTime")
                .because("time is read in one place, dev.grove.internal.Clock");
    }

    /** Reads the time the way the rule forbids. */
    static final class PlantedClockRead {
        long now() {
            return System.nanoTime();
        }
    }

    /**
     * Process state has one owner, {@code dev.grove.internal.LocalRegions}: no other core class has a static field
     * that is not final, or that holds a collection, a map, an atomic, a lock, an executor, a thread-local or an
     * array. The exceptions below hold nothing that changes, or cannot live in the owner; each says why.
     */
    @Test
    void mutableStaticFieldsOnlyInTheOwner() {
        mutableStaticsRule(MUTABLE_STATIC_EXCEPTIONS, "dev.grove", "dev.grove.internal..", "dev.grove.cli..").check(MAIN);
        for (String field : MUTABLE_STATIC_EXCEPTIONS.keySet()) { // an exception outliving its field would hide the next one
            int dot = field.lastIndexOf('.');
            org.junit.jupiter.api.Assertions.assertTrue(
                    MAIN.get(field.substring(0, dot)).tryGetField(field.substring(dot + 1)).isPresent(), "listed field exists: " + field);
        }
    }

    /** The owner rule can fail: a planted static map, and a planted static non-final field, are caught. */
    @Test
    void aPlantedMutableStaticIsCaught() {
        for (Class<?> planted : PlantedMutableStatic.class.getDeclaredClasses()) {
            assertCaught(mutableStaticsRule(Map.of(), "dev.grove.conformance.."), planted);
        }
        assertEquals(2, PlantedMutableStatic.class.getDeclaredClasses().length, "planted classes");
    }

    /** Static fields the owner rule allows elsewhere, by class and field name, with the reason. */
    private static final Map<String, String> MUTABLE_STATIC_EXCEPTIONS = Map.of(
            "dev.grove.internal.Region.NEXT", "the state transition table, built once, never changed",
            "dev.grove.internal.Names.JVM_OPTIONS", "an immutable list (List.of)",
            "dev.grove.internal.ElementType.BY_TAG", "a lookup array filled in the static initializer, never written after",
            "dev.grove.internal.Native.ERRNO_SLOT", "a per-thread scratch buffer for errno: no state shared between threads",
            "dev.grove.Namespace.OPEN", "the API's namespace objects (each holds the views it handed out); the owner,"
                    + " in dev.grove.internal, cannot hold API objects without a package cycle");

    private static com.tngtech.archunit.lang.ArchRule mutableStaticsRule(Map<String, String> exceptions, String... packages) {
        java.util.List<Class<?>> stateful = java.util.List.of(java.util.Map.class, java.util.Collection.class,
                java.util.concurrent.locks.Lock.class, java.util.concurrent.Executor.class, ThreadLocal.class,
                Number.class /* the atomics */, java.util.concurrent.atomic.AtomicBoolean.class,
                java.util.concurrent.atomic.AtomicReference.class);
        return com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields()
                .that().areStatic().and().areDeclaredInClassesThat().resideInAnyPackage(packages)
                .and().areDeclaredInClassesThat().doNotHaveFullyQualifiedName("dev.grove.internal.LocalRegions")
                .and(com.tngtech.archunit.base.DescribedPredicate.describe("written by the source (not an enum's or a"
                        + " switch's synthetic table)", f -> !f.getModifiers().contains(
                        com.tngtech.archunit.core.domain.JavaModifier.SYNTHETIC)))
                .and(com.tngtech.archunit.base.DescribedPredicate.describe("not a listed exception",
                        f -> !exceptions.containsKey(f.getOwner().getName() + "." + f.getName())))
                .should(new com.tngtech.archunit.lang.ArchCondition<com.tngtech.archunit.core.domain.JavaField>(
                        "be final and hold nothing that changes") {
                    @Override
                    public void check(com.tngtech.archunit.core.domain.JavaField f, com.tngtech.archunit.lang.ConditionEvents events) {
                        com.tngtech.archunit.core.domain.JavaClass type = f.getRawType();
                        boolean mutableType = type.isArray() || stateful.stream().anyMatch(c -> type.isAssignableTo(c)
                                && !(c == Number.class && !type.getPackageName().equals("java.util.concurrent.atomic")));
                        boolean nonFinal = !f.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.FINAL);
                        if (nonFinal || mutableType) {
                            events.add(com.tngtech.archunit.lang.SimpleConditionEvent.violated(f, f.getFullName()
                                    + (nonFinal ? " is not final" : " holds a " + type.getSimpleName())
                                    + ": process state belongs to dev.grove.internal.LocalRegions"));
                        }
                    }
                })
                .because("process state has one owner");
    }

    /** Process state kept outside the owner, the two ways the rule forbids. */
    static final class PlantedMutableStatic {
        static final class PlantedStaticMap {
            static final Map<String, String> SEEN = new java.util.concurrent.ConcurrentHashMap<>();
        }

        static final class PlantedNonFinalStatic {
            static long counter;
        }
    }

    /** Each published jar's {@code Automatic-Module-Name} is its package (read from the jars Maven packaged). */
    @Test
    void everyJarNamesItsModule() throws IOException {
        Map<String, String> names = new TreeMap<>();
        for (Class<?> c : new Class<?>[] {dev.grove.Grove.class, dev.grove.fory.GroveSerializers.class,
                dev.grove.serial.SharingObjectOutputStream.class, dev.grove.check.Gen.class}) {
            Path where = Path.of(URI.create(c.getProtectionDomain().getCodeSource().getLocation().toString()));
            if (where.toString().endsWith(".jar")) {
                try (JarFile jar = new JarFile(where.toFile())) {
                    names.put(c.getPackageName(), jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"));
                }
            }
        }
        // Only "mvn test" without packaging puts class directories here instead; verify (CI) always has jars.
        Assumptions.assumeFalse(names.isEmpty(), "no packaged jar on the class path (run the package phase)");
        names.forEach((pkg, module) -> assertEquals(pkg, module, "Automatic-Module-Name of the jar holding " + pkg));
        assertEquals(4, names.size(), "jars checked: " + names);
    }
}
