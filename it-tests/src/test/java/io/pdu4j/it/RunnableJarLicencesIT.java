package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The runnable {@code pdu4j.jar} keeps the licence and notice texts of what it bundles: pdu4j's own
 * LICENSE and NOTICE, THIRD-PARTY.txt naming each bundled artifact with its licence, and every
 * licence or notice file a bundled jar carries, byte for byte, under {@code
 * META-INF/LICENSES/<artifact>-<version>/}.
 */
class RunnableJarLicencesIT {
  private static final Path JAR =
      Path.of(System.getProperty("pdu4j.jar", "../cli/target/pdu4j.jar"));
  private static final Path REPO =
      Path.of(
          System.getProperty(
              "maven.repo.local", System.getProperty("user.home") + "/.m2/repository"));

  record Bundled(String groupId, String artifactId, String version) {
    /** The jar in the Maven repository: plain, or with a classifier (netty's native epoll). */
    Path jar() throws IOException {
      Path dir = REPO.resolve(groupId.replace('.', '/')).resolve(artifactId).resolve(version);
      Path plain = dir.resolve(artifactId + "-" + version + ".jar");
      if (Files.exists(plain) || !Files.isDirectory(dir)) {
        return plain;
      }
      try (var files = Files.list(dir)) {
        return files
            .filter(f -> f.getFileName().toString().startsWith(artifactId + "-" + version + "-"))
            .filter(f -> f.getFileName().toString().endsWith(".jar"))
            .filter(f -> !f.getFileName().toString().matches(".*-(sources|javadoc|tests)\\.jar"))
            .findFirst()
            .orElse(plain);
      }
    }
  }

  @Test
  void everyBundledArtifactHasItsLicence() throws IOException {
    assertThat(JAR).as("the packaged CLI jar").exists();
    try (ZipFile zip = new ZipFile(JAR.toFile())) {
      assertThat(text(zip, "META-INF/LICENSE")).contains("Apache License").contains("Version 2.0");
      assertThat(text(zip, "META-INF/NOTICE")).startsWith("pdu4j");
      String thirdParty = text(zip, "META-INF/THIRD-PARTY.txt");
      assertThat(thirdParty).doesNotContain("Unknown license").doesNotContain("io.pdu4j");

      List<Bundled> bundled = bundled(zip);
      assertThat(bundled).as("bundled artifacts").hasSizeGreaterThan(20);
      List<String> checkedFiles = new ArrayList<>();
      for (Bundled b : bundled) {
        String coordinates = b.groupId() + ":" + b.artifactId() + ":" + b.version();
        if (!Files.exists(b.jar())) {
          // shaded into another bundled jar (jctools in netty-common): that jar's entry covers it
          assertThat(containers(bundled, b))
              .as(coordinates + " comes from a listed jar")
              .anySatisfy(c -> assertThat(thirdParty).contains(c));
          continue;
        }
        assertThat(thirdParty).as("THIRD-PARTY.txt lists " + coordinates).contains(coordinates);
        try (ZipFile dep = new ZipFile(b.jar().toFile())) {
          for (ZipEntry e : Collections.list(dep.entries())) {
            if (!e.isDirectory() && isLicenceOrNotice(e.getName())) {
              String jarName = b.jar().getFileName().toString();
              String kept =
                  "META-INF/LICENSES/"
                      + jarName.substring(0, jarName.length() - ".jar".length())
                      + "/"
                      + e.getName();
              ZipEntry copy = zip.getEntry(kept);
              assertThat(copy).as(coordinates + ": " + kept).isNotNull();
              try (InputStream a = dep.getInputStream(e);
                  InputStream c = zip.getInputStream(copy)) {
                assertThat(c.readAllBytes()).as(kept).isEqualTo(a.readAllBytes());
              }
              checkedFiles.add(kept);
            }
          }
        }
      }
      // the jars that do ship texts (Jackson, Guava, SLF4J, HdrHistogram, ...) were found
      assertThat(checkedFiles).hasSizeGreaterThan(10);
    }
  }

  private static boolean isLicenceOrNotice(String name) {
    String upper = name.toUpperCase(java.util.Locale.ROOT);
    String file = upper.substring(upper.lastIndexOf('/') + 1);
    boolean topOrMetaInf = !name.contains("/") || name.startsWith("META-INF/");
    return topOrMetaInf
        && !upper.endsWith(".CLASS")
        && (file.contains("LICENSE") || file.contains("NOTICE"));
  }

  /** The artifacts whose pom.properties the jar carries, pdu4j's own left out. */
  private static List<Bundled> bundled(ZipFile zip) throws IOException {
    List<Bundled> list = new ArrayList<>();
    for (ZipEntry e : Collections.list(zip.entries())) {
      if (e.getName().startsWith("META-INF/maven/") && e.getName().endsWith("/pom.properties")) {
        Properties p = new Properties();
        try (InputStream in = zip.getInputStream(e)) {
          p.load(in);
        }
        if (!p.getProperty("groupId").equals("io.pdu4j")) {
          list.add(
              new Bundled(
                  p.getProperty("groupId"), p.getProperty("artifactId"), p.getProperty("version")));
        }
      }
    }
    return list;
  }

  /** The bundled jars (as coordinates) that contain {@code inner}'s pom.properties. */
  private static List<String> containers(List<Bundled> bundled, Bundled inner) throws IOException {
    String entry =
        "META-INF/maven/" + inner.groupId() + "/" + inner.artifactId() + "/pom.properties";
    List<String> found = new ArrayList<>();
    for (Bundled b : bundled) {
      if (Files.exists(b.jar())) {
        try (ZipFile z = new ZipFile(b.jar().toFile())) {
          if (z.getEntry(entry) != null) {
            found.add(b.groupId() + ":" + b.artifactId() + ":" + b.version());
          }
        }
      }
    }
    return found;
  }

  private static String text(ZipFile zip, String name) throws IOException {
    ZipEntry e = zip.getEntry(name);
    assertThat(e).as(name).isNotNull();
    try (InputStream in = zip.getInputStream(e)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
