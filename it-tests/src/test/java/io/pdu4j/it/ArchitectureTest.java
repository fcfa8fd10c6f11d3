package io.pdu4j.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import io.pdu4j.api.DoNotImplement;
import io.pdu4j.it.fixture.HomeMadeOutlet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/architecture.md, checked on the production classes of every module, and on
 * the example plugin's jar (which no module depends on, so it is on no class path here).
 */
class ArchitectureTest {
  private static final Path EXAMPLE_JAR =
      Path.of(
          System.getProperty(
              "pdu4j.example.jar",
              "../examples/example-driver/target/pdu4j-example-driver-0.1.0-SNAPSHOT.jar"));

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.pdu4j");
  }

  @Test
  void everyModuleIsImported() {
    for (String pkg :
        new String[] {
          "io.pdu4j.api",
          "io.pdu4j.spi",
          "io.pdu4j.spi.support",
          "io.pdu4j.spi.transport",
          "io.pdu4j.transport.net",
          "io.pdu4j.transport.serial",
          "io.pdu4j.driver.isotek",
          "io.pdu4j.driver.enistic",
          "io.pdu4j.driver.extron",
          "io.pdu4j.runtime",
          "io.pdu4j.server",
          "io.pdu4j.mqtt",
          "io.pdu4j.sim.isotek",
          "io.pdu4j.sim.enistic",
          "io.pdu4j.sim.extron",
          "io.pdu4j.testkit",
          "io.pdu4j.cli"
        }) {
      assertThat(classes.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)))
          .as("classes of %s imported", pkg)
          .isTrue();
    }
  }

  @Test
  void apiDependsOnTheJdkAndSlf4jOnly() {
    classes()
        .that()
        .resideInAnyPackage("io.pdu4j.api..", "io.pdu4j.spi..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "org.slf4j..", "io.pdu4j.api..", "io.pdu4j.spi..")
        .check(classes);
  }

  @Test
  void theUserApiDoesNotKnowTheSpi() {
    noClasses()
        .that()
        .resideInAPackage("io.pdu4j.api..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.pdu4j.spi..")
        .check(classes);
  }

  /**
   * The SPI is split by reader: {@code io.pdu4j.spi} is the driver contract, {@code
   * io.pdu4j.spi.support} the building blocks a driver may use (framer, command queue, backoff,
   * ...), {@code io.pdu4j.spi.transport} what transport authors implement and use. The support
   * builds on the user API alone, so the contract and pdu4j's own device can use it without a
   * cycle.
   */
  @Test
  void theSpiSupportDependsOnTheApiOnly() {
    classes()
        .that()
        .resideInAPackage("io.pdu4j.spi.support..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "org.slf4j..", "io.pdu4j.api..", "io.pdu4j.spi.support..")
        .check(classes);
  }

  /** The driver contract and the support know nothing of how transports are written. */
  @Test
  void theDriverContractDoesNotKnowTheTransportSpi() {
    noClasses()
        .that()
        .resideInAnyPackage("io.pdu4j.spi", "io.pdu4j.spi.internal..", "io.pdu4j.spi.support..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.pdu4j.spi.transport..")
        .check(classes);
  }

  /**
   * Only transports, and the runtime and testkit that host them, use the transport SPI; among the
   * drivers only Extron's, which provides the {@code extron} tunnel transports besides its driver;
   * and the benchmarks, whose in-memory links measure the runtime without sockets.
   */
  @Test
  void onlyTransportsUseTheTransportSpi() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "io.pdu4j.spi.transport..",
            "io.pdu4j.transport..",
            "io.pdu4j.runtime..",
            "io.pdu4j.testkit..",
            "io.pdu4j.driver.extron..",
            "io.pdu4j.bench..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.pdu4j.spi.transport..")
        .check(classes);
  }

  @Test
  void driversDependOnTheApiOnly() {
    classes()
        .that()
        .resideInAPackage("io.pdu4j.driver..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..", "org.slf4j..", "io.pdu4j.api..", "io.pdu4j.spi..", "io.pdu4j.driver..")
        .check(classes);
  }

  @Test
  void driversDoNotKnowEachOther() {
    slices()
        .matching("io.pdu4j.driver.(*)..")
        .should()
        .notDependOnEachOther()
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void transportsKnowNoDriverRuntimeOrCli() {
    noClasses()
        .that()
        .resideInAPackage("io.pdu4j.transport..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.pdu4j.driver..", "io.pdu4j.runtime..", "io.pdu4j.cli..", "io.pdu4j.sim..")
        .check(classes);
  }

  @Test
  void transportsDependOnTheApiAndTheirIoLibraryOnly() {
    for (String[] transport :
        new String[][] {
          {"io.pdu4j.transport.net..", "io.netty.."},
          {"io.pdu4j.transport.serial..", "com.fazecast.."}
        }) {
      classes()
          .that()
          .resideInAPackage(transport[0])
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              "java..",
              "org.slf4j..",
              "io.pdu4j.api..",
              "io.pdu4j.spi..",
              transport[0],
              transport[1])
          .check(classes);
    }
  }

  /**
   * The testkit is what a driver author's tests extend, plugin authors included: it may use the API
   * and the test libraries, never the runtime, a transport, a driver or a simulator (a driver's
   * tests bring their own simulator and open their device through hooks).
   */
  @Test
  void testkitDependsOnTheApiAndTestLibrariesOnly() {
    classes()
        .that()
        .resideInAPackage("io.pdu4j.testkit..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..",
            "javax.tools..",
            "org.slf4j..",
            "io.pdu4j.api..",
            "io.pdu4j.spi..",
            "io.pdu4j.testkit..",
            "org.junit..",
            "org.opentest4j..",
            "org.assertj..",
            "org.awaitility..",
            "org.hamcrest..")
        .check(classes);
  }

  @Test
  void noProductionCodeDependsOnTheTestkit() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.pdu4j.testkit..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.pdu4j.testkit..")
        .check(classes);
  }

  /** The example plugin is what plugin authors copy: it must need nothing but {@code pdu4j-api}. */
  @Test
  void theExamplePluginDependsOnTheApiOnly() throws IOException {
    assertThat(EXAMPLE_JAR)
        .as("the example plugin's jar (built by examples/example-driver)")
        .exists();
    JavaClasses example;
    try (JarFile jar = new JarFile(EXAMPLE_JAR.toFile())) {
      example = new ClassFileImporter().importJar(jar);
    }
    assertThat(example.stream().map(JavaClass::getName))
        .as("classes of the example plugin")
        .contains("io.pdu4j.example.relay.LineRelayDriver");
    classes()
        .that()
        .resideInAPackage("io.pdu4j.example..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..", "org.slf4j..", "io.pdu4j.api..", "io.pdu4j.spi..", "io.pdu4j.example..")
        .check(example);
  }

  @Test
  void onlyTheCommandLineKnowsTheCommandLine() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.pdu4j.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.pdu4j.cli..", "picocli..")
        .check(classes);
  }

  /**
   * Metrics and the YAML configuration are the runtime's (and the server's, the MQTT bridge's and
   * the command line's on top of it); the benchmarks measure what the metrics cost in the registry
   * serve uses.
   */
  @Test
  void micrometerAndJacksonStayInTheRuntimeTheServerAndTheCommandLine() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "io.pdu4j.runtime..",
            "io.pdu4j.server..",
            "io.pdu4j.mqtt..",
            "io.pdu4j.cli..",
            "io.pdu4j.bench..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.micrometer..", "com.fasterxml.jackson..")
        .check(classes);
  }

  /**
   * The server (the control plane of {@code pdu4j serve}) is built on the runtime and the API: it
   * knows no driver, transport, simulator or command line, and its HTTP library is its own.
   */
  @Test
  void theServerUsesTheRuntimeAndTheApiOnly() {
    classes()
        .that()
        .resideInAPackage("io.pdu4j.server..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..",
            "org.slf4j..",
            "io.pdu4j.api..",
            "io.pdu4j.spi..",
            "io.pdu4j.runtime..",
            "io.pdu4j.server..",
            "org.eclipse.jetty..",
            "io.micrometer..",
            "com.fasterxml.jackson..")
        .check(classes);
  }

  /**
   * The MQTT bridge, like the server, is built on the runtime and the API only; its MQTT client
   * (HiveMQ) stays in it, and only the command line uses it.
   */
  @Test
  void theMqttBridgeUsesTheRuntimeAndTheApiOnly() {
    classes()
        .that()
        .resideInAPackage("io.pdu4j.mqtt..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..",
            "javax.net.ssl..",
            "org.slf4j..",
            "io.pdu4j.api..",
            "io.pdu4j.spi..",
            "io.pdu4j.runtime..",
            "io.pdu4j.mqtt..",
            "com.hivemq.client..",
            "io.micrometer..",
            "com.fasterxml.jackson..")
        .check(classes);
    noClasses()
        .that()
        .resideOutsideOfPackages("io.pdu4j.mqtt..", "io.pdu4j.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.pdu4j.mqtt..")
        .check(classes);
    noClasses()
        .that()
        .resideOutsideOfPackage("io.pdu4j.mqtt..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("com.hivemq..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("io.pdu4j.mqtt..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.pdu4j.server..")
        .check(classes);
  }

  @Test
  void nothingBelowTheCommandLineUsesTheServerAndJettyStaysInIt() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.pdu4j.server..", "io.pdu4j.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.pdu4j.server..")
        .check(classes);
    noClasses()
        .that()
        .resideOutsideOfPackage("io.pdu4j.server..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.eclipse.jetty..")
        .check(classes);
  }

  @Test
  void runtimeFindsDriversAndTransportsOnlyThroughTheSpi() {
    noClasses()
        .that()
        .resideInAPackage("io.pdu4j.runtime..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.pdu4j.driver..", "io.pdu4j.transport..", "io.pdu4j.sim..", "io.pdu4j.cli..")
        .check(classes);
  }

  @Test
  void simulatorsAreIndependentOfTheCodeTheyTest() {
    classes()
        .that()
        .resideInAPackage("io.pdu4j.sim..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "org.slf4j..", "io.pdu4j.sim..")
        .check(classes);
  }

  @Test
  void guiceLivesInTheRuntimeOnly() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.pdu4j.runtime..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("com.google.inject..", "jakarta.inject..", "javax.inject..")
        .check(classes);
  }

  @Test
  void nettyStaysInTransportsAndTheRuntime() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.pdu4j.transport.net..", "io.pdu4j.runtime..")
        // the round trip's reference figure: the same exchange on a bare Netty loop, nothing of
        // pdu4j in it, which is what it measures
        .and()
        .doNotHaveFullyQualifiedName("io.pdu4j.bench.fleet.RoundTripBench$BareLoop")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.netty..")
        .check(classes);
  }

  @Test
  void jSerialCommStaysInTheSerialTransport() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.pdu4j.transport.serial..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("com.fazecast..")
        .check(classes);
  }

  @Test
  void internalPackagesAreUsedOnlyByTheirOwnModule() {
    classes()
        .should(
            new ArchCondition<JavaClass>("use no other module's internal package") {
              @Override
              public void check(JavaClass item, ConditionEvents events) {
                if (item.getPackageName().equals("io.pdu4j.bench")) {
                  // the JMH benchmarks measure drivers' internal codecs on purpose and ship in
                  // no distribution; the soak (io.pdu4j.bench.soak) is held to the rule
                  return;
                }
                for (Dependency d : item.getDirectDependenciesFromSelf()) {
                  String target = d.getTargetClass().getPackageName();
                  int i = target.indexOf(".internal");
                  if (!target.startsWith("io.pdu4j.") || i < 0) {
                    continue;
                  }
                  String owner = target.substring(0, i);
                  String source = item.getPackageName();
                  if (!(source.equals(owner) || source.startsWith(owner + "."))) {
                    events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                  }
                }
              }
            })
        .check(classes);
  }

  /**
   * A public package and its {@code internal} implementation package form one unit (the public
   * interface's builder creates the internal implementation, which implements the interface); any
   * other cycle between packages is a violation.
   */
  @Test
  void noPackageCycles() {
    slices()
        .assignedFrom(
            new SliceAssignment() {
              @Override
              public SliceIdentifier getIdentifierOf(JavaClass c) {
                String pkg = c.getPackageName();
                if (!pkg.startsWith("io.pdu4j")) {
                  return SliceIdentifier.ignore();
                }
                int i = pkg.indexOf(".internal");
                return SliceIdentifier.of(i < 0 ? pkg : pkg.substring(0, i));
              }

              @Override
              public String getDescription() {
                return "packages of io.pdu4j, each with its internal package";
              }
            })
        .should()
        .beFreeOfCycles()
        .check(classes);
  }

  /**
   * Where the types marked {@link DoNotImplement} (PowerDevice, Outlet, Scheduler, DeviceClock,
   * Subscription, PowerRuntime, SupervisedDevice) may be implemented: the API, the SPI's shared
   * support and the runtime, which build the objects users see.
   */
  private static final String[] FRAMEWORK_PACKAGES = {
    "io.pdu4j.api..", "io.pdu4j.spi..", "io.pdu4j.runtime..", "io.pdu4j.mqtt.."
  };

  private static boolean implementsAFrameworkOnlyType(JavaClass c) {
    return c.getAllRawInterfaces().stream().anyMatch(i -> i.isAnnotatedWith(DoNotImplement.class));
  }

  private static boolean inTheFramework(JavaClass c) {
    for (String pkg : FRAMEWORK_PACKAGES) {
      String prefix = pkg.substring(0, pkg.length() - 2);
      if (c.getPackageName().equals(prefix) || c.getPackageName().startsWith(prefix + ".")) {
        return true;
      }
    }
    return false;
  }

  /**
   * No class outside the framework implements a {@link DoNotImplement} type: every driver (and the
   * example plugin) is a session inside pdu4j's device.
   */
  static ArchRule onlyTheFrameworkImplementsDoNotImplementTypes() {
    return classes()
        .should(
            new ArchCondition<JavaClass>(
                "implement no @DoNotImplement type outside "
                    + String.join(", ", FRAMEWORK_PACKAGES)) {
              @Override
              public void check(JavaClass item, ConditionEvents events) {
                if (implementsAFrameworkOnlyType(item) && !inTheFramework(item)) {
                  events.add(
                      SimpleConditionEvent.violated(
                          item,
                          item.getName()
                              + " implements "
                              + item.getAllRawInterfaces().stream()
                                  .filter(i -> i.isAnnotatedWith(DoNotImplement.class))
                                  .map(JavaClass::getSimpleName)
                                  .sorted()
                                  .toList()
                              + ", which pdu4j alone implements"));
                }
              }
            })
        .allowEmptyShould(true);
  }

  @Test
  void onlyTheFrameworkImplementsTheUsersTypes() throws IOException {
    JavaClasses example;
    try (JarFile jar = new JarFile(EXAMPLE_JAR.toFile())) {
      example = new ClassFileImporter().importJar(jar);
    }
    onlyTheFrameworkImplementsDoNotImplementTypes().check(classes);
    onlyTheFrameworkImplementsDoNotImplementTypes().check(example);
  }

  @Test
  void theDoNotImplementRuleReportsAClassOutsideTheFramework() {
    JavaClasses fixture = new ClassFileImporter().importClasses(HomeMadeOutlet.class);
    assertThatThrownBy(() -> onlyTheFrameworkImplementsDoNotImplementTypes().check(fixture))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(HomeMadeOutlet.class.getName() + " implements [Outlet]");
  }
}
