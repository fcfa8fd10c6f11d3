package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What {@code mvn deploy} publishes is complete and usable: the published modules are deployed to a
 * file repository (the parent, the BOM, and for each module its jar, pom, sources and javadoc), and
 * a user's project that imports the BOM builds and runs against that repository alone, with the
 * Maven cache for third-party jars only. See docs/releasing.md for why it runs this way.
 */
class PublishedArtifactsIT {
  private static final Path ROOT = Path.of(System.getProperty("pdu4j.root", "..")).toAbsolutePath();
  private static final String VERSION = System.getProperty("pdu4j.version", "0.1.0-SNAPSHOT");
  private static final Path CACHE =
      Path.of(
          System.getProperty(
              "maven.repo.local", System.getProperty("user.home") + "/.m2/repository"));

  @TempDir static Path tmp;
  private static Path staging;

  /** module directory to artifactId, of the modules the parent lists and that are deployed. */
  private static final Map<String, String> published = new LinkedHashMap<>();

  private static final Set<String> notPublished = new HashSet<>();

  @BeforeAll
  static void deploy() throws Exception {
    Document parent = xml(ROOT.resolve("pom.xml"));
    for (Element module : children(first(parent.getDocumentElement(), "modules"), "module")) {
      String dir = module.getTextContent().strip();
      Element pom = xml(ROOT.resolve(dir).resolve("pom.xml")).getDocumentElement();
      String artifactId = text(pom, "artifactId");
      Element props = first(pom, "properties");
      boolean skip = props != null && "true".equals(text(props, "maven.deploy.skip"));
      if (skip) {
        notPublished.add(artifactId);
      } else {
        published.put(dir, artifactId);
      }
    }
    assertThat(notPublished)
        .containsExactlyInAnyOrder("pdu4j-it-tests", "pdu4j-bench", "pdu4j-example-driver");

    staging = tmp.resolve("staging-repo");
    List<String> cmd = new ArrayList<>();
    cmd.add(ROOT.resolve("mvnw").toString());
    cmd.addAll(
        List.of(
            "-B",
            "-ntp",
            "-q",
            "-Dmaven.repo.local=" + CACHE,
            // the reactor that runs this test has built, tested and checked everything already
            "-Dmaven.test.skip=true",
            "-Denforcer.skip=true",
            "-Dspotless.check.skip=true",
            "-Dmaven.install.skip=true",
            "-Dpdu4j.dist.skip=true",
            "-DaltDeploymentRepository=pdu4j-staging::" + staging.toUri(),
            "-pl",
            "." + "," + String.join(",", published.keySet()),
            "deploy"));
    long start = System.nanoTime();
    Run r = run(ROOT, cmd, 600);
    System.out.printf(
        "PublishedArtifactsIT: mvn deploy of %d modules took %d s%n",
        published.size() + 1, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
    assertThat(r.exit()).as("mvn deploy:%n%s", r.output()).isZero();
  }

  @Test
  void everyPublishedModuleHasJarPomSourcesAndJavadoc() throws Exception {
    assertDeployed("pdu4j-parent", Set.of("pom"));
    assertDeployed("pdu4j-bom", Set.of("pom"));
    for (String artifactId : published.values()) {
      if (artifactId.equals("pdu4j-bom")) {
        continue;
      }
      assertDeployed(artifactId, Set.of("pom", "jar", "sources.jar", "javadoc.jar"));
      Path dir = versionDir(artifactId);
      try (ZipFile sources = new ZipFile(file(dir, artifactId, "sources.jar").toFile());
          ZipFile javadoc = new ZipFile(file(dir, artifactId, "javadoc.jar").toFile())) {
        assertThat(Collections.list(sources.entries()))
            .as(artifactId + " sources")
            .anySatisfy(e -> assertThat(e.getName()).endsWith(".java"));
        assertThat(javadoc.getEntry("index.html")).as(artifactId + " javadoc").isNotNull();
      }
      Element pom = xml(file(dir, artifactId, "pom")).getDocumentElement();
      assertThat(text(pom, "name")).as(artifactId + " name").isNotBlank();
      assertThat(text(pom, "description")).as(artifactId + " description").isNotBlank();
    }
    for (String artifactId : notPublished) {
      assertThat(staging.resolve("io/pdu4j/" + artifactId)).doesNotExist();
    }
    // what each module inherits from the parent: licence, url, scm, developers, organization
    Element parent =
        xml(file(versionDir("pdu4j-parent"), "pdu4j-parent", "pom")).getDocumentElement();
    assertThat(text(first(first(parent, "licenses"), "license"), "name")).isEqualTo("Apache-2.0");
    assertThat(text(parent, "url")).startsWith("https://");
    assertThat(text(first(parent, "scm"), "url")).startsWith("https://");
    assertThat(first(parent, "developers")).isNotNull();
    assertThat(first(parent, "organization")).isNotNull();
  }

  @Test
  void bomListsThePublishedModulesAndNothingElse() throws Exception {
    Element bom = xml(file(versionDir("pdu4j-bom"), "pdu4j-bom", "pom")).getDocumentElement();
    assertThat(first(bom, "parent")).as("the BOM has no parent to leak").isNull();
    assertThat(first(bom, "dependencies")).as("the BOM has no dependencies of its own").isNull();
    assertThat(text(bom, "version")).isEqualTo(VERSION);
    assertThat(text(first(first(bom, "licenses"), "license"), "name")).isEqualTo("Apache-2.0");
    Set<String> listed = new HashSet<>();
    for (Element d :
        children(first(first(bom, "dependencyManagement"), "dependencies"), "dependency")) {
      assertThat(text(d, "groupId")).isEqualTo("io.pdu4j");
      assertThat(text(d, "version")).isEqualTo("${project.version}");
      assertThat(text(d, "scope")).as("scope of " + text(d, "artifactId")).isNull();
      listed.add(text(d, "artifactId"));
    }
    Set<String> modules = new HashSet<>(published.values());
    modules.remove("pdu4j-bom");
    assertThat(listed).isEqualTo(modules);
  }

  @Test
  void aConsumerProjectBuildsAgainstTheDeployedArtifactsOnly() throws Exception {
    Path project = tmp.resolve("consumer");
    Path source = Path.of(PublishedArtifactsIT.class.getResource("/consumer/pom.xml").toURI());
    copyTree(source.getParent(), project);
    Path local = tmp.resolve("consumer-m2");
    Path settings = tmp.resolve("consumer-settings.xml");
    // a fresh local repository; io.pdu4j only from the staging repository, everything else from
    // the Maven cache of this build, read as a file repository (no network: offline)
    Files.writeString(
        settings,
        """
        <settings>
          <localRepository>%s</localRepository>
          <mirrors>
            <mirror><id>cache</id><mirrorOf>*,!pdu4j-staging</mirrorOf><url>%s</url></mirror>
          </mirrors>
          <profiles>
            <profile>
              <id>staging</id>
              <repositories>
                <repository>
                  <id>pdu4j-staging</id><url>%s</url>
                  <snapshots><enabled>true</enabled></snapshots>
                </repository>
              </repositories>
            </profile>
          </profiles>
          <activeProfiles><activeProfile>staging</activeProfile></activeProfiles>
        </settings>
        """
            .formatted(local, CACHE.toUri(), staging.toUri()));
    Run r =
        run(
            project,
            List.of(
                ROOT.resolve("mvnw").toString(),
                "-B",
                "-ntp",
                "-o",
                "-Daether.offline.protocols=file",
                "-s",
                settings.toString(),
                "-Dpdu4j.version=" + VERSION,
                "-Djunit.version=" + System.getProperty("junit.version"),
                "test"),
            300);
    assertThat(r.exit()).as("the consumer's build:%n%s", r.output()).isZero();
    assertThat(r.output())
        .contains("Tests run: 1, Failures: 0, Errors: 0")
        .contains("consumer: read 8 outlets");
    // the pdu4j jars it used are the deployed ones, fetched from the staging repository
    for (String artifactId :
        List.of(
            "pdu4j-runtime",
            "pdu4j-api",
            "pdu4j-driver-isotek",
            "pdu4j-transport-net",
            "pdu4j-simulators")) {
      Path deployed = file(versionDir(artifactId), artifactId, "jar");
      Path used =
          local.resolve("io/pdu4j/" + artifactId + "/" + VERSION).resolve(deployed.getFileName());
      assertThat(used).as(artifactId + " from the staging repository").exists();
      assertThat(Files.mismatch(used, deployed)).isEqualTo(-1L);
    }
  }

  private static void assertDeployed(String artifactId, Set<String> kinds) throws Exception {
    Path dir = versionDir(artifactId);
    Set<String> found = new HashSet<>();
    Element versioning =
        first(xml(dir.resolve("maven-metadata.xml")).getDocumentElement(), "versioning");
    for (Element v : children(first(versioning, "snapshotVersions"), "snapshotVersion")) {
      String classifier = text(v, "classifier");
      found.add((classifier == null ? "" : classifier + ".") + text(v, "extension"));
    }
    assertThat(found).as(artifactId + " deployed").isEqualTo(kinds);
    for (String kind : kinds) {
      assertThat(file(dir, artifactId, kind)).as(artifactId + " " + kind).isNotEmptyFile();
    }
  }

  private static Path versionDir(String artifactId) {
    Path dir = staging.resolve("io/pdu4j/" + artifactId + "/" + VERSION);
    assertThat(dir).as(artifactId + " in the staging repository").isDirectory();
    return dir;
  }

  /** The newest deployed file of one kind ({@code jar}, {@code sources.jar}, {@code pom}). */
  private static Path file(Path dir, String artifactId, String kind) throws Exception {
    Element versioning =
        first(xml(dir.resolve("maven-metadata.xml")).getDocumentElement(), "versioning");
    for (Element v : children(first(versioning, "snapshotVersions"), "snapshotVersion")) {
      String classifier = text(v, "classifier");
      if (kind.equals((classifier == null ? "" : classifier + ".") + text(v, "extension"))) {
        return dir.resolve(
            artifactId
                + "-"
                + text(v, "value")
                + (classifier == null ? "" : "-" + classifier)
                + "."
                + text(v, "extension"));
      }
    }
    throw new AssertionError(artifactId + ": no " + kind + " in maven-metadata.xml");
  }

  record Run(int exit, String output) {}

  private static Run run(Path dir, List<String> cmd, int seconds)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("mvn", ".txt");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().remove("MAVEN_ARGS");
      Process p = pb.start();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("no exit within " + seconds + " s: " + Files.readString(out));
      }
      return new Run(p.exitValue(), Files.readString(out));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }

  private static Document xml(Path file) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    try (InputStream in = Files.newInputStream(file)) {
      return f.newDocumentBuilder().parse(in);
    }
  }

  /** The first child element of this name, or null. */
  private static Element first(Element parent, String name) {
    if (parent == null) {
      return null;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> list = new ArrayList<>();
    if (parent != null) {
      NodeList nodes = parent.getChildNodes();
      for (int i = 0; i < nodes.getLength(); i++) {
        if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
          list.add(e);
        }
      }
    }
    return list;
  }

  /** The text of the first child element of this name, or null. */
  private static String text(Element parent, String name) {
    Element e = first(parent, name);
    return e == null ? null : e.getTextContent().strip();
  }
}
