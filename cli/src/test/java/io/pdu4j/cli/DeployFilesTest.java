package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.config.Pdu4jConfig;
import io.pdu4j.runtime.config.Shard;
import io.pdu4j.spi.DeviceAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * The deployment files of {@code deploy/compose} and {@code deploy/kubernetes} against the image,
 * the commands and the configuration they use. No container engine runs here (docs/install.md):
 * what can be checked without one is that every command they run parses as pdu4j's, every
 * configuration they mount loads, every address they name is one of their own services, every shard
 * is run once, and every secret a configuration refers to is given to its process.
 */
class DeployFilesTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern ENV_REF = Pattern.compile("env:([A-Za-z_][A-Za-z0-9_]*)");

  @TempDir Path dir;

  /** The image's launcher and the arguments its entry point puts before a service's command. */
  private static List<String> entryPoint() throws IOException {
    Matcher m =
        Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]$")
            .matcher(Files.readString(ROOT.resolve("Dockerfile")));
    assertThat(m.find()).as("the Dockerfile's ENTRYPOINT").isTrue();
    List<String> words = new ArrayList<>();
    for (String w : m.group(1).split(",")) {
      words.add(w.strip().replaceAll("^\"|\"$", ""));
    }
    return words;
  }

  private static CommandLine.ParseResult parse(List<String> args) {
    CommandLine cli =
        Cli.commandLine(
            new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Style.PLAIN);
    // throws on an unknown command or option, or a value of the wrong type
    return leaf(cli.parseArgs(args.toArray(String[]::new)));
  }

  private static CommandLine.ParseResult leaf(CommandLine.ParseResult r) {
    while (r.hasSubcommand()) {
      r = r.subcommand();
    }
    return r;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object o) {
    assertThat(o).isInstanceOf(List.class);
    List<String> out = new ArrayList<>();
    for (Object e : (List<Object>) o) {
      out.add(String.valueOf(e));
    }
    return out;
  }

  private static Set<String> envReferences(Path config) throws IOException {
    Set<String> names = new HashSet<>();
    Matcher m = ENV_REF.matcher(Files.readString(config));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  @Test
  void theComposeFileRunsABrokerSimulatorsAndEveryShardOnceOnItsOwnServices() throws IOException {
    Path compose = ROOT.resolve("deploy/compose");
    Map<String, Object> file =
        new Yaml().load(Files.readString(compose.resolve("docker-compose.yaml")));
    Map<String, Object> services = map(file.get("services"));
    List<String> entry = entryPoint();
    String launcher = entry.get(0);

    Map<String, Integer> simulators = new LinkedHashMap<>(); // service -> its TCP port
    Map<Shard, String> shards = new LinkedHashMap<>();
    Path config = null;
    String broker = null;
    for (Map.Entry<String, Object> s : services.entrySet()) {
      Map<String, Object> service = map(s.getValue());
      String image = String.valueOf(service.get("image"));
      if (image.startsWith("eclipse-mosquitto")) {
        broker = s.getKey();
        String conf = Files.readString(compose.resolve("mosquitto.conf"));
        assertThat(conf).containsPattern("(?m)^listener 1883 0\\.0\\.0\\.0$");
        assertThat(strings(service.get("volumes")))
            .contains("./mosquitto.conf:/mosquitto/config/mosquitto.conf:ro");
        continue;
      }
      assertThat(image).as(s.getKey()).startsWith("pdu4j:");
      List<String> args = new ArrayList<>();
      if (service.containsKey("entrypoint")) {
        List<String> own = strings(service.get("entrypoint"));
        assertThat(own.get(0)).as(s.getKey()).isEqualTo(launcher);
        args.addAll(own.subList(1, own.size()));
      } else {
        args.addAll(entry.subList(1, entry.size()));
      }
      args.addAll(strings(service.get("command")));
      CommandLine.ParseResult r = parse(args);
      String command = r.commandSpec().name();
      if (command.equals("isotek") && args.get(0).equals("sim")) {
        assertThat(r.matchedOptionValue("--bind", "")).as(s.getKey()).isEqualTo("0.0.0.0");
        simulators.put(s.getKey(), r.matchedOptionValue("--tcp-port", 0));
      } else {
        assertThat(command).as(s.getKey()).isEqualTo("serve");
        Shard shard = Shard.parse(r.matchedOptionValue("--shard", "0/1"));
        assertThat(shards.put(shard, s.getKey())).as("shard " + shard + " twice").isNull();
        Path mounted = Path.of(r.<Path>matchedOptionValue("--config", null).toString());
        assertThat(strings(service.get("volumes")))
            .contains("./devices.yaml:" + mounted.toString().replace('\\', '/') + ":ro");
        config = compose.resolve("devices.yaml");
        assertThat(strings(service.get("depends_on"))).contains(broker == null ? "broker" : broker);
      }
    }
    assertThat(broker).isEqualTo("broker");
    assertThat(shards).isNotEmpty();
    int count = shards.keySet().iterator().next().count();
    Set<Shard> all = new HashSet<>();
    for (int i = 0; i < count; i++) {
      all.add(new Shard(i, count));
    }
    assertThat(shards.keySet()).as("every shard of %d once", count).isEqualTo(all);

    Pdu4jConfig loaded = Pdu4jConfig.load(config);
    URI mqtt = loaded.mqtt().orElseThrow().url();
    assertThat(mqtt.getHost()).isEqualTo(broker);
    assertThat(mqtt.getPort()).isEqualTo(1883);
    assertThat(loaded.prometheus().orElseThrow().host()).isEqualTo("0.0.0.0");
    Set<String> served = new HashSet<>();
    for (DeviceConfig d : loaded.devices().values()) {
      DeviceAddress a = DeviceAddress.parse(d.uri());
      String host = a.host().orElseThrow();
      assertThat(simulators).as(d.name()).containsEntry(host, a.port().orElseThrow());
      served.add(host);
    }
    assertThat(served).as("every simulator is some device's").isEqualTo(simulators.keySet());
  }

  @Test
  void theStatefulSetGivesEveryPodItsShardTheConfigItsSecretsAndProbesOnTheMetricsPort()
      throws Exception {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object d :
        new Yaml().loadAll(Files.readString(ROOT.resolve("deploy/kubernetes/pdu4j.yaml")))) {
      docs.add(map(d));
    }
    Map<String, Map<String, Object>> byKind = new LinkedHashMap<>();
    for (Map<String, Object> d : docs) {
      byKind.put(String.valueOf(d.get("kind")), d);
    }
    assertThat(byKind).containsKeys("ConfigMap", "Service", "StatefulSet");

    Map<String, Object> configMap = byKind.get("ConfigMap");
    Path config = dir.resolve("devices.yaml");
    Files.writeString(config, String.valueOf(map(configMap.get("data")).get("devices.yaml")));
    Pdu4jConfig loaded = Pdu4jConfig.load(config);
    assertThat(loaded.mqtt()).isPresent();
    int metricsPort = loaded.prometheus().orElseThrow().port();
    assertThat(loaded.prometheus().orElseThrow().host()).isEqualTo("0.0.0.0");

    Map<String, Object> set = byKind.get("StatefulSet");
    Map<String, Object> spec = map(set.get("spec"));
    Map<String, Object> service = byKind.get("Service");
    assertThat(spec.get("serviceName")).isEqualTo(map(service.get("metadata")).get("name"));
    Map<String, Object> template = map(spec.get("template"));
    assertThat(map(map(template.get("metadata")).get("labels")))
        .containsAllEntriesOf(
            map(map(service.get("spec")).get("selector")).entrySet().stream()
                .collect(
                    java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    Map<String, Object> pod = map(template.get("spec"));
    Map<String, Object> container = map(((List<?>) pod.get("containers")).get(0));

    // the environment: SHARDS is the number of replicas, every secret the file refers to is set
    Map<String, String> env = new LinkedHashMap<>();
    for (Object e : (List<?>) container.get("env")) {
      Map<String, Object> v = map(e);
      env.put(String.valueOf(v.get("name")), String.valueOf(v.get("value")));
    }
    int replicas = (Integer) spec.get("replicas");
    assertThat(env).containsEntry("SHARDS", Integer.toString(replicas)).containsKey("POD_NAME");
    assertThat(env.keySet()).containsAll(envReferences(config));

    // the config file is mounted where the command reads it
    String mountPath = null;
    for (Object m : (List<?>) container.get("volumeMounts")) {
      mountPath = String.valueOf(map(m).get("mountPath"));
    }
    String podName = String.valueOf(map(set.get("metadata")).get("name"));

    // each pod's command, as its shell expands it, parses as serve with its own shard
    List<String> command = strings(container.get("command"));
    assertThat(command).containsExactly("sh", "-c");
    String script = strings(container.get("args")).get(0);
    String launcher = entryPoint().get(0);
    assertThat(script).startsWith("exec " + launcher + " ");
    String echo = "printf '%s\\n' " + script.substring(("exec " + launcher + " ").length());
    Set<Shard> shards = new HashSet<>();
    for (int i = 0; i < replicas; i++) {
      ProcessBuilder pb = new ProcessBuilder("sh", "-c", echo);
      pb.environment().put("POD_NAME", podName + "-" + i);
      pb.environment().put("SHARDS", env.get("SHARDS"));
      Process p = pb.redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      CommandLine.ParseResult r = parse(List.of(out.strip().split("\n")));
      assertThat(r.commandSpec().name()).isEqualTo("serve");
      assertThat(Path.of(r.<Path>matchedOptionValue("--config", null).toString()))
          .isEqualTo(Path.of(mountPath, "devices.yaml"));
      shards.add(Shard.parse(r.matchedOptionValue("--shard", "0/1")));
    }
    Set<Shard> all = new HashSet<>();
    for (int i = 0; i < replicas; i++) {
      all.add(new Shard(i, replicas));
    }
    assertThat(shards).isEqualTo(all);

    // the probes and the scrape go to the port serve's metrics listen on
    Map<String, Object> port = map(((List<?>) container.get("ports")).get(0));
    assertThat(port.get("containerPort")).isEqualTo(metricsPort);
    for (String probe : List.of("readinessProbe", "livenessProbe")) {
      Map<String, Object> get = map(map(container.get(probe)).get("httpGet"));
      assertThat(get).containsEntry("path", "/health").containsEntry("port", port.get("name"));
    }
    assertThat(map(map(template.get("metadata")).get("annotations")))
        .containsEntry("prometheus.io/port", Integer.toString(metricsPort));
  }
}
