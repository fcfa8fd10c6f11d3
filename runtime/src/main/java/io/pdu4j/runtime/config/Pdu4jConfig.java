package io.pdu4j.runtime.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.pdu4j.api.Durations;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.runtime.history.PowerHistory;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * A {@code devices.yaml} file, validated.
 *
 * <pre>{@code
 * devices:
 *   rack-a:
 *     uri: "isotek:tcp://10.0.0.5:501"
 *     timeout: 5s            # optional, per command
 *     poll: 10s              # optional
 *   av-rack:
 *     uri: "isotek:extron://10.0.0.9:23/3?password=env:IPCP_PASSWORD"
 * metrics:
 *   prometheus:
 *     host: 127.0.0.1        # default
 *     port: 9464             # default
 * plugins:
 *   dir: ./plugins           # optional, relative to the file
 * groups:                    # optional: outlets switched together, in order
 *   bench-a:
 *     outlets: ["rack-a/1", "rack-a/2"]
 *     sequence-delay: 2s
 * api:                       # optional: the control API of pdu4j serve
 *   host: 127.0.0.1          # default
 *   port: 8080               # default
 *   auth:
 *     tokens:
 *       ci-bot: { token: "env:PDU_TOKEN_CI", role: operator, devices: ["rack-*"] }
 *   audit: ./audit.jsonl     # optional, relative to the file
 *   tls:                     # optional: serve HTTPS
 *     keystore: ./api.p12    # relative to the file
 *     password: "env:PDU4J_KEYSTORE_PASSWORD"
 *     type: PKCS12           # default
 * pdudaemon:                 # optional: answer pdudaemon's clients (LAVA, labgrid)
 *   host: 127.0.0.1          # default
 *   port: 16421              # default
 * mqtt:                      # optional: the MQTT bridge (docs/mqtt.md)
 *   url: tcp://127.0.0.1:1883  # or ssl://HOST:8883
 *   username: pdu4j          # optional
 *   password: "env:MQTT_PASSWORD"  # optional, by reference
 *   prefix: pdu4j            # default
 *   node: node-a             # default: the host name
 *   homeassistant: true      # default
 *   truststore: ./ca.p12     # optional, ssl:// only, relative to the file
 *   truststore-password: "env:MQTT_TRUST_PASSWORD"  # optional
 * shard: 0/3                 # optional: serve --shard I/N (the flag wins), docs/scaling.md
 * runtime:                   # optional
 *   max-opening: 256         # default: device opens and reconnects in flight at once
 *   history-step: 1m         # default: the power history's resolution over the last hour
 *   io-batch-window: 10ms    # default: a busy I/O thread's read window, 0 to 50ms (0: none)
 * }</pre>
 *
 * <p>Unknown keys, duplicate keys, values of the wrong kind, bad durations and addresses, and
 * secrets written literally (rather than as {@code env:NAME} or {@code file:PATH}) are errors: a
 * {@link ConfigException} naming the file, the line and the key, which never echoes a secret.
 *
 * @param devices the devices by name, in file order; at least one
 * @param prometheus where to publish metrics; empty when the file has no {@code metrics} section
 * @param pluginsDir where plugin jars are, resolved against the file's directory, when set
 * @param api the control API's settings; empty when the file has no {@code api} section
 * @param groups the groups of outlets by name, in file order
 * @param pdudaemon where to answer pdudaemon's requests; empty when the file has no {@code
 *     pdudaemon} section
 * @param schedules the schedules the host runs, by name, in file order
 * @param mqtt the MQTT bridge's settings; empty when the file has no {@code mqtt} section
 * @param shard which shard of the devices {@code serve} runs ({@code serve --shard} wins over it);
 *     empty when the file has no {@code shard} key
 * @param runtime the runtime's settings ({@link RuntimeConfig#DEFAULTS} when the file has no {@code
 *     runtime} section)
 */
public record Pdu4jConfig(
    Map<String, DeviceConfig> devices,
    Optional<PrometheusConfig> prometheus,
    Optional<Path> pluginsDir,
    Optional<ApiConfig> api,
    Map<String, GroupConfig> groups,
    Optional<PdudaemonConfig> pdudaemon,
    Map<String, HostScheduleConfig> schedules,
    Optional<MqttConfig> mqtt,
    Optional<Shard> shard,
    RuntimeConfig runtime) {

  /** Copies the maps, keeping their order; every group's outlets name configured devices. */
  public Pdu4jConfig {
    Objects.requireNonNull(prometheus, "prometheus");
    Objects.requireNonNull(pluginsDir, "pluginsDir");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(pdudaemon, "pdudaemon");
    Objects.requireNonNull(mqtt, "mqtt");
    Objects.requireNonNull(shard, "shard");
    Objects.requireNonNull(runtime, "runtime");
    devices = Collections.unmodifiableMap(new LinkedHashMap<>(devices));
    groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
    schedules = Collections.unmodifiableMap(new LinkedHashMap<>(schedules));
    for (GroupConfig g : groups.values()) {
      for (OutletRef o : g.outlets()) {
        if (!devices.containsKey(o.device())) {
          throw new InvalidArgumentException(
              "group " + g.name() + ": outlet " + o + " names no configured device");
        }
      }
    }
  }

  /**
   * A configuration of {@code devices} and nothing else: no metrics, plugins, API, groups,
   * pdudaemon, schedules, MQTT or shard, and the runtime's defaults; add the rest with the {@code
   * with...} copies.
   */
  public static Pdu4jConfig of(Map<String, DeviceConfig> devices) {
    return new Pdu4jConfig(
        devices,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Map.of(),
        Optional.empty(),
        Map.of(),
        Optional.empty(),
        Optional.empty(),
        RuntimeConfig.DEFAULTS);
  }

  /** This configuration with {@code prometheus} as where metrics are published. */
  public Pdu4jConfig withPrometheus(Optional<PrometheusConfig> prometheus) {
    return new Pdu4jConfig(
        devices, prometheus, pluginsDir, api, groups, pdudaemon, schedules, mqtt, shard, runtime);
  }

  /** This configuration with {@code pluginsDir} as its plugin directory. */
  public Pdu4jConfig withPluginsDir(Optional<Path> pluginsDir) {
    return new Pdu4jConfig(
        devices, prometheus, pluginsDir, api, groups, pdudaemon, schedules, mqtt, shard, runtime);
  }

  /** This configuration with {@code api} as its control API. */
  public Pdu4jConfig withApi(Optional<ApiConfig> api) {
    return new Pdu4jConfig(
        devices, prometheus, pluginsDir, api, groups, pdudaemon, schedules, mqtt, shard, runtime);
  }

  /** This configuration with {@code groups} as its groups of outlets. */
  public Pdu4jConfig withGroups(Map<String, GroupConfig> groups) {
    return new Pdu4jConfig(
        devices, prometheus, pluginsDir, api, groups, pdudaemon, schedules, mqtt, shard, runtime);
  }

  /** This configuration with {@code pdudaemon} as its pdudaemon listener. */
  public Pdu4jConfig withPdudaemon(Optional<PdudaemonConfig> pdudaemon) {
    return new Pdu4jConfig(
        devices, prometheus, pluginsDir, api, groups, pdudaemon, schedules, mqtt, shard, runtime);
  }

  /** This configuration with {@code schedules} as the host's schedules. */
  public Pdu4jConfig withSchedules(Map<String, HostScheduleConfig> schedules) {
    return new Pdu4jConfig(
        devices, prometheus, pluginsDir, api, groups, pdudaemon, schedules, mqtt, shard, runtime);
  }

  /** This configuration with {@code mqtt} as its MQTT bridge. */
  public Pdu4jConfig withMqtt(Optional<MqttConfig> mqtt) {
    return new Pdu4jConfig(
        devices, prometheus, pluginsDir, api, groups, pdudaemon, schedules, mqtt, shard, runtime);
  }

  /** This configuration with {@code shard} as the shard it runs. */
  public Pdu4jConfig withShard(Optional<Shard> shard) {
    return new Pdu4jConfig(
        devices, prometheus, pluginsDir, api, groups, pdudaemon, schedules, mqtt, shard, runtime);
  }

  /** This configuration with {@code runtime} as the runtime's settings. */
  public Pdu4jConfig withRuntime(RuntimeConfig runtime) {
    return new Pdu4jConfig(
        devices, prometheus, pluginsDir, api, groups, pdudaemon, schedules, mqtt, shard, runtime);
  }

  /**
   * The largest configuration file read, in bytes (4 MiB): a file of ten thousand devices, the
   * fleet one runtime is built for, takes about 1 MiB. The size is checked before the file is
   * parsed, and at most one byte more is read, so that neither a huge file nor an endless one
   * ({@code /dev/zero}) costs more than this.
   */
  public static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

  /**
   * How deeply mappings and lists may nest: the file needs three levels ({@code devices}, a device,
   * its keys); deeper input is refused long before it could exhaust the parser's stack.
   */
  public static final int MAX_DEPTH = 8;

  /** The longest key or value, in characters: far above any address, far below the file limit. */
  public static final int MAX_TEXT_CHARS = 16 * 1024;

  /**
   * Reads and validates a configuration file.
   *
   * @throws ConfigException naming the file, the line and the key of the first problem
   */
  public static Pdu4jConfig load(Path file) {
    String text;
    try {
      text = read(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), 0, "", "no such file");
    } catch (CharacterCodingException e) {
      throw new ConfigException(file.toString(), 0, "", "cannot read it: not UTF-8 text");
    } catch (IOException e) {
      throw new ConfigException(file.toString(), 0, "", "cannot read it: " + e.getMessage());
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(new StringReader(text), file.toString(), dir);
  }

  /** The file's text, refused when it is over {@link #MAX_FILE_BYTES}; reads one byte more. */
  private static String read(Path file) throws IOException {
    if (Files.isRegularFile(file) && Files.size(file) > MAX_FILE_BYTES) {
      throw tooLarge(file);
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      // the size may have changed since, or the file may not be a regular one
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw tooLarge(file);
    }
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }

  private static ConfigException tooLarge(Path file) {
    return new ConfigException(
        file.toString(),
        0,
        "",
        "the file is larger than the limit of "
            + MAX_FILE_BYTES
            + " bytes (4 MiB); a configuration of ten thousand devices takes about 1 MiB");
  }

  /**
   * The YAML parser, with SnakeYAML's own limits set low as a second line behind the reader's:
   * aliases are refused by the reader (a bomb of them cannot expand), nesting is bounded, and so
   * are the code points read and each name and string.
   */
  private static YAMLFactory yaml() {
    LoaderOptions loader = new LoaderOptions();
    loader.setMaxAliasesForCollections(0);
    loader.setAllowRecursiveKeys(false);
    loader.setNestingDepthLimit(MAX_DEPTH + 2);
    loader.setCodePointLimit(MAX_FILE_BYTES);
    return YAMLFactory.builder()
        // as new YAMLFactory() has it: `uri:` with nothing after it is null, not ""
        .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
        .loaderOptions(loader)
        .streamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH + 2)
                .maxDocumentLength(MAX_FILE_BYTES)
                .maxNameLength(MAX_FILE_BYTES)
                .maxStringLength(MAX_FILE_BYTES)
                .build())
        .build();
  }

  /**
   * Reads and validates configuration text.
   *
   * @param source what to call it in errors, e.g. the file name
   * @param baseDir the directory relative paths are resolved against
   * @throws ConfigException naming the source, the line and the key of the first problem
   */
  public static Pdu4jConfig parse(Reader yaml, String source, Path baseDir) {
    Node root;
    try (JsonParser p = yaml().createParser(yaml)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new ConfigException(source, 0, "", "the file is empty; it needs a 'devices' section");
      }
      root = new Reader2(p, source).read("");
    } catch (JsonProcessingException e) {
      throw new ConfigException(source, line(e.getLocation()), "", syntax(e));
    } catch (IOException e) {
      throw new ConfigException(source, 0, "", "cannot read it: " + e.getMessage());
    }
    return new Validator(source, baseDir).root(root);
  }

  private static int line(JsonLocation at) {
    return at == null ? 0 : at.getLineNr();
  }

  /**
   * The parser's complaint without the quoted source lines, which could hold a secret: SnakeYAML
   * indents its quotes and position lines, the problem statements are not.
   */
  private static String syntax(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    StringBuilder b = new StringBuilder("not valid YAML");
    if (message != null) {
      for (String l : message.split("\\R")) {
        if (!l.isBlank() && !Character.isWhitespace(l.charAt(0)) && !l.contains("^")) {
          b.append(": ").append(l.strip());
        }
      }
    }
    return b.toString();
  }

  // ------------------------------------------------------------------ a tree that knows its lines

  private sealed interface Node {
    JsonLocation at();

    String kind();
  }

  private record Scalar(String text, JsonToken token, JsonLocation at) implements Node {
    @Override
    public String kind() {
      return token == JsonToken.VALUE_NULL ? "nothing" : "a value";
    }
  }

  private record Entry(String key, JsonLocation keyAt, Node value) {}

  private record MapNode(Map<String, Entry> entries, JsonLocation at) implements Node {
    @Override
    public String kind() {
      return "a mapping";
    }
  }

  private record ListNode(List<Node> items, JsonLocation at) implements Node {
    @Override
    public String kind() {
      return "a list";
    }
  }

  /**
   * Reads the parser's tokens into nodes, each with where it starts; refuses anchors and aliases,
   * nesting deeper than {@link #MAX_DEPTH} and keys or values longer than {@link #MAX_TEXT_CHARS}.
   */
  private record Reader2(JsonParser p, String source) {
    Node read(String key) throws IOException {
      return read(key, 0);
    }

    private ConfigException error(JsonLocation at, String key, String problem) {
      return new ConfigException(source, line(at), key, problem);
    }

    private Node read(String key, int depth) throws IOException {
      JsonLocation at = p.currentTokenLocation();
      JsonToken t = p.currentToken();
      if (p instanceof YAMLParser y && (y.isCurrentAlias() || p.getObjectId() != null)) {
        throw error(
            at, key, "anchors and aliases (&name, *name) are not supported; write each value out");
      }
      if ((t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) && depth >= MAX_DEPTH) {
        throw error(at, key, "nested deeper than " + MAX_DEPTH + " levels");
      }
      switch (t) {
        case START_OBJECT -> {
          Map<String, Entry> entries = new LinkedHashMap<>();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonLocation keyAt = p.currentTokenLocation();
            if (name.length() > MAX_TEXT_CHARS) {
              throw error(
                  keyAt,
                  key,
                  "a key longer than " + MAX_TEXT_CHARS + " characters (" + name.length() + ")");
            }
            p.nextToken();
            String path = key.isEmpty() ? name : key + "." + name;
            if (entries.containsKey(name)) {
              throw error(
                  keyAt,
                  path,
                  "given twice (first on line " + line(entries.get(name).keyAt()) + ")");
            }
            entries.put(name, new Entry(name, keyAt, read(path, depth + 1)));
          }
          return new MapNode(entries, at);
        }
        case START_ARRAY -> {
          List<Node> items = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            items.add(read(key, depth + 1));
          }
          return new ListNode(items, at);
        }
        default -> {
          String text = t == JsonToken.VALUE_NULL ? null : p.getText();
          if (text != null && text.length() > MAX_TEXT_CHARS) {
            throw error(
                at,
                key,
                "a value longer than " + MAX_TEXT_CHARS + " characters (" + text.length() + ")");
          }
          return new Scalar(text, t, at);
        }
      }
    }
  }

  // ------------------------------------------------------------------ validation

  private record Validator(String source, Path baseDir) {
    private static final java.util.regex.Pattern GROUP_NAME =
        java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Set<String> ROOT =
        Set.of(
            "devices",
            "metrics",
            "plugins",
            "api",
            "groups",
            "pdudaemon",
            "schedules",
            "mqtt",
            "shard",
            "runtime");
    private static final Set<String> MQTT =
        Set.of(
            "url",
            "username",
            "password",
            "prefix",
            "node",
            "homeassistant",
            "truststore",
            "truststore-password");
    private static final Set<String> SCHEDULE = Set.of("at", "days", "action", "outlets");
    private static final Set<String> API = Set.of("host", "port", "auth", "audit", "tls");
    private static final Set<String> TLS = Set.of("keystore", "password", "type");
    private static final Set<String> AUTH = Set.of("tokens");
    private static final Set<String> TOKEN = Set.of("token", "role", "devices");
    private static final Set<String> GROUP = Set.of("outlets", "sequence-delay");
    private static final Set<String> DEVICE = Set.of("uri", "timeout", "poll");
    private static final Set<String> METRICS = Set.of("prometheus");
    private static final Set<String> PROMETHEUS = Set.of("host", "port", "outlets");
    private static final Set<String> PLUGINS = Set.of("dir");
    private static final Set<String> RUNTIME =
        Set.of("max-opening", "history-step", "io-batch-window");

    ConfigException error(JsonLocation at, String key, String problem) {
      return new ConfigException(source, line(at), key, problem);
    }

    MapNode mapping(Node n, String key) {
      if (n instanceof MapNode m) {
        return m;
      }
      throw error(
          n.at(), key, "expected a mapping (indented 'key: value' lines), found " + n.kind());
    }

    void known(MapNode m, String key, Set<String> known) {
      for (Entry e : m.entries().values()) {
        if (!known.contains(e.key())) {
          throw error(
              e.keyAt(),
              key.isEmpty() ? e.key() : key + "." + e.key(),
              "unknown key; known here: " + String.join(", ", known.stream().sorted().toList()));
        }
      }
    }

    String text(Entry e, String key) {
      if (e.value() instanceof Scalar s && s.text() != null && s.token() != null) {
        if (s.text().isBlank()) {
          throw error(s.at(), key, "must not be empty");
        }
        return s.text();
      }
      throw error(e.value().at(), key, "expected a value, found " + e.value().kind());
    }

    <T> T convert(Entry e, String key, Function<String, T> parse) {
      String text = text(e, key);
      try {
        return parse.apply(text);
      } catch (InvalidArgumentException ex) {
        throw error(e.value().at(), key, ex.getMessage());
      }
    }

    /** The value of {@code section.key} in {@code m}, if it is there, parsed. */
    <T> Optional<T> optional(MapNode m, String section, String key, Function<String, T> parse) {
      return Optional.ofNullable(m.entries().get(key))
          .map(e -> convert(e, section + "." + key, parse));
    }

    /** The duration {@code section.key} in {@code m}, if it is there, checked. */
    Optional<Duration> optionalDuration(
        MapNode m, String section, String key, UnaryOperator<Duration> check) {
      return optional(m, section, key, t -> check.apply(Durations.parse(t, key)));
    }

    Pdu4jConfig root(Node n) {
      MapNode root = mapping(n, "");
      known(root, "", ROOT);
      Entry devices = root.entries().get("devices");
      if (devices == null) {
        throw error(root.at(), "devices", "missing: the file must list at least one device");
      }
      MapNode list = mapping(devices.value(), "devices");
      if (list.entries().isEmpty()) {
        throw error(devices.keyAt(), "devices", "no devices: list at least one");
      }
      Map<String, DeviceConfig> result = new LinkedHashMap<>();
      for (Entry d : list.entries().values()) {
        result.put(d.key(), device(d));
      }
      Optional<PrometheusConfig> prometheus = Optional.empty();
      Entry metrics = root.entries().get("metrics");
      if (metrics != null) {
        MapNode m = mapping(metrics.value(), "metrics");
        known(m, "metrics", METRICS);
        Entry p = m.entries().get("prometheus");
        if (p != null) {
          prometheus = Optional.of(prometheus(p));
        }
      }
      Optional<Path> plugins = Optional.empty();
      Entry pl = root.entries().get("plugins");
      if (pl != null) {
        MapNode m = mapping(pl.value(), "plugins");
        known(m, "plugins", PLUGINS);
        Entry dir = m.entries().get("dir");
        if (dir != null) {
          plugins =
              Optional.of(
                  convert(
                      dir,
                      "plugins.dir",
                      t -> {
                        try {
                          return baseDir.resolve(t).normalize();
                        } catch (java.nio.file.InvalidPathException ex) {
                          throw new InvalidArgumentException("not a path: " + ex.getReason());
                        }
                      }));
        }
      }
      Optional<ApiConfig> api = Optional.empty();
      Entry a = root.entries().get("api");
      if (a != null) {
        api = Optional.of(api(a, result.keySet()));
      }
      Map<String, GroupConfig> groups = new LinkedHashMap<>();
      Entry g = root.entries().get("groups");
      if (g != null) {
        MapNode m = mapping(g.value(), "groups");
        for (Entry e : m.entries().values()) {
          groups.put(e.key(), group(e, result.keySet()));
        }
      }
      Optional<PdudaemonConfig> pdudaemon = Optional.empty();
      Entry pd = root.entries().get("pdudaemon");
      if (pd != null) {
        MapNode m = mapping(pd.value(), "pdudaemon");
        known(m, "pdudaemon", PROMETHEUS);
        String host =
            Optional.ofNullable(m.entries().get("host"))
                .map(e -> text(e, "pdudaemon.host"))
                .orElse(PdudaemonConfig.DEFAULT_HOST);
        int port =
            optional(m, "pdudaemon", "port", Validator::port).orElse(PdudaemonConfig.DEFAULT_PORT);
        pdudaemon = Optional.of(new PdudaemonConfig(host, port));
      }
      Map<String, HostScheduleConfig> schedules = new LinkedHashMap<>();
      Entry sc = root.entries().get("schedules");
      if (sc != null) {
        MapNode m = mapping(sc.value(), "schedules");
        for (Entry e : m.entries().values()) {
          schedules.put(e.key(), schedule(e, result.keySet()));
        }
      }
      Optional<MqttConfig> mqtt = Optional.empty();
      Entry mq = root.entries().get("mqtt");
      if (mq != null) {
        mqtt = Optional.of(mqtt(mq));
      }
      Optional<Shard> shard =
          Optional.ofNullable(root.entries().get("shard"))
              .map(e -> convert(e, "shard", Shard::parse));
      RuntimeConfig runtime = RuntimeConfig.DEFAULTS;
      Entry rt = root.entries().get("runtime");
      if (rt != null) {
        MapNode m = mapping(rt.value(), "runtime");
        known(m, "runtime", RUNTIME);
        runtime =
            new RuntimeConfig(
                optional(m, "runtime", "max-opening", RuntimeConfig::parseMaxOpening)
                    .orElse(runtime.maxOpening()),
                optionalDuration(m, "runtime", "history-step", PowerHistory::checkStep)
                    .orElse(runtime.historyStep()),
                optionalDuration(m, "runtime", "io-batch-window", RuntimeConfig::checkIoBatchWindow)
                    .orElse(runtime.ioBatchWindow()));
      }
      return new Pdu4jConfig(
          result, prometheus, plugins, api, groups, pdudaemon, schedules, mqtt, shard, runtime);
    }

    MqttConfig mqtt(Entry e) {
      String key = "mqtt";
      MapNode m = mapping(e.value(), key);
      known(m, key, MQTT);
      Entry url = m.entries().get("url");
      if (url == null) {
        throw error(
            e.keyAt(), key + ".url", "missing: the broker, tcp://HOST:PORT or ssl://HOST:PORT");
      }
      java.net.URI u = convert(url, key + ".url", MqttConfig::url);
      Map<String, Entry> es = m.entries();
      Optional<String> username =
          Optional.ofNullable(es.get("username")).map(x -> text(x, key + ".username").strip());
      Optional<String> password =
          Optional.ofNullable(es.get("password")).map(x -> text(x, key + ".password").strip());
      String prefix =
          Optional.ofNullable(es.get("prefix"))
              .map(x -> text(x, key + ".prefix").strip())
              .orElse(MqttConfig.DEFAULT_PREFIX);
      Optional<String> node =
          Optional.ofNullable(es.get("node")).map(x -> text(x, key + ".node").strip());
      boolean ha =
          Optional.ofNullable(es.get("homeassistant"))
              .map(x -> convert(x, key + ".homeassistant", Validator::bool))
              .orElse(true);
      Optional<Path> trust =
          Optional.ofNullable(es.get("truststore"))
              .map(x -> convert(x, key + ".truststore", this::path));
      Optional<String> trustPassword =
          Optional.ofNullable(es.get("truststore-password"))
              .map(x -> text(x, key + ".truststore-password").strip());
      try {
        return new MqttConfig(
            u,
            username,
            password,
            prefix,
            node.orElseGet(MqttConfig::defaultNode),
            ha,
            trust,
            trustPassword);
      } catch (InvalidArgumentException ex) {
        String msg = ex.getMessage();
        String[][] where = {
          {"trust store password", "truststore-password"},
          {"trust store", "truststore"},
          {"password", "password"},
          {"username", "username"},
          {"prefix", "prefix"},
          {"node", "node"}
        };
        for (String[] w : where) {
          Entry at = es.get(w[1]);
          if (msg.contains(w[0]) && at != null) {
            throw error(at.value().at(), key + "." + w[1], msg);
          }
        }
        throw error(e.keyAt(), key, msg);
      }
    }

    static boolean bool(String t) {
      return switch (t.strip().toLowerCase(java.util.Locale.ROOT)) {
        case "true", "yes", "on" -> true;
        case "false", "no", "off" -> false;
        default -> throw new InvalidArgumentException("expected true or false, got '" + t + "'");
      };
    }

    HostScheduleConfig schedule(Entry e, Set<String> deviceNames) {
      String key = "schedules." + e.key();
      MapNode m = mapping(e.value(), key);
      known(m, key, SCHEDULE);
      Entry at = m.entries().get("at");
      if (at == null) {
        throw error(e.keyAt(), key + ".at", "missing: the time of day, HH:MM");
      }
      Entry action = m.entries().get("action");
      if (action == null) {
        throw error(e.keyAt(), key + ".action", "missing: on, off or cycle");
      }
      Entry outlets = m.entries().get("outlets");
      if (outlets == null) {
        throw error(e.keyAt(), key + ".outlets", "missing: list the outlets, e.g. [\"rack/1\"]");
      }
      java.time.LocalTime time = convert(at, key + ".at", HostScheduleConfig::time);
      java.util.Set<java.time.DayOfWeek> days = java.util.EnumSet.noneOf(java.time.DayOfWeek.class);
      Entry d = m.entries().get("days");
      if (d != null) {
        for (Node n : list(d, key + ".days")) {
          String text = item(n, key + ".days");
          try {
            days.add(HostScheduleConfig.day(text));
          } catch (InvalidArgumentException ex) {
            throw error(n.at(), key + ".days", ex.getMessage());
          }
        }
      }
      List<OutletRef> refs = outletRefs(outlets, key, deviceNames);
      String act = text(action, key + ".action");
      try {
        return new HostScheduleConfig(e.key(), time, days, act.strip(), refs);
      } catch (InvalidArgumentException ex) {
        throw error(action.value().at(), key + ".action", ex.getMessage());
      }
    }

    ApiConfig api(Entry a, Set<String> deviceNames) {
      String key = "api";
      MapNode m = mapping(a.value(), key);
      known(m, key, API);
      String host =
          Optional.ofNullable(m.entries().get("host"))
              .map(e -> text(e, key + ".host"))
              .orElse(ApiConfig.DEFAULT_HOST);
      int port = optional(m, key, "port", Validator::port).orElse(ApiConfig.DEFAULT_PORT);
      Optional<Path> audit = optional(m, key, "audit", this::path);
      Map<String, TokenConfig> tokens = new LinkedHashMap<>();
      Entry auth = m.entries().get("auth");
      if (auth != null) {
        MapNode am = mapping(auth.value(), key + ".auth");
        known(am, key + ".auth", AUTH);
        Entry t = am.entries().get("tokens");
        if (t == null) {
          throw error(
              auth.keyAt(), key + ".auth.tokens", "missing: list the tokens that may use the API");
        }
        MapNode tm = mapping(t.value(), key + ".auth.tokens");
        Map<String, String> references = new LinkedHashMap<>();
        for (Entry e : tm.entries().values()) {
          TokenConfig token = token(e, deviceNames);
          String other = references.putIfAbsent(token.reference(), token.name());
          if (other != null) {
            throw error(
                e.keyAt(),
                key + ".auth.tokens." + e.key() + ".token",
                "the same reference as token '" + other + "': give each token its own secret");
          }
          tokens.put(e.key(), token);
        }
      }
      Optional<TlsConfig> tls = Optional.empty();
      Entry t = m.entries().get("tls");
      if (t != null) {
        tls = Optional.of(tls(t));
      }
      try {
        return new ApiConfig(host, port, auth != null, tokens, audit, tls);
      } catch (InvalidArgumentException ex) {
        throw error(a.keyAt(), key, ex.getMessage());
      }
    }

    TlsConfig tls(Entry t) {
      String key = "api.tls";
      MapNode m = mapping(t.value(), key);
      known(m, key, TLS);
      Entry store = m.entries().get("keystore");
      if (store == null) {
        throw error(t.keyAt(), key + ".keystore", "missing: the key store file (PKCS12)");
      }
      Entry password = m.entries().get("password");
      if (password == null) {
        throw error(
            t.keyAt(),
            key + ".password",
            "missing: where its password is, env:VARIABLE or file:PATH");
      }
      Path file = convert(store, key + ".keystore", this::path);
      String type =
          Optional.ofNullable(m.entries().get("type"))
              .map(e -> text(e, key + ".type"))
              .orElse(TlsConfig.DEFAULT_TYPE);
      String reference = text(password, key + ".password");
      try {
        return new TlsConfig(file, reference, type);
      } catch (InvalidArgumentException ex) {
        boolean pw = ex.getMessage().contains("password");
        Entry at = pw ? password : m.entries().get("type");
        throw error(at.value().at(), key + (pw ? ".password" : ".type"), ex.getMessage());
      }
    }

    TokenConfig token(Entry e, Set<String> deviceNames) {
      String key = "api.auth.tokens." + e.key();
      MapNode m = mapping(e.value(), key);
      known(m, key, TOKEN);
      Entry token = m.entries().get("token");
      if (token == null) {
        throw error(
            e.keyAt(), key + ".token", "missing: where the token is, env:VARIABLE or file:PATH");
      }
      Entry role = m.entries().get("role");
      if (role == null) {
        throw error(e.keyAt(), key + ".role", "missing: viewer, operator or admin");
      }
      ApiRole r = convert(role, key + ".role", ApiRole::of);
      List<String> globs = new ArrayList<>();
      Entry devices = m.entries().get("devices");
      if (devices != null) {
        for (Node n : list(devices, key + ".devices")) {
          String glob = item(n, key + ".devices");
          if (deviceNames.stream().noneMatch(d -> TokenConfig.glob(glob, d))) {
            throw error(n.at(), key + ".devices", "'" + glob + "' matches no configured device");
          }
          globs.add(glob);
        }
      }
      String reference = text(token, key + ".token");
      try {
        return new TokenConfig(e.key(), reference, r, globs);
      } catch (InvalidArgumentException ex) {
        boolean name = ex.getMessage().startsWith("bad token name");
        throw error(
            name ? e.keyAt() : token.value().at(), name ? key : key + ".token", ex.getMessage());
      }
    }

    /**
     * The outlets a group or host schedule names ({@code device/outlet}), each of a known device.
     */
    private List<OutletRef> outletRefs(
        Entry outlets, String key, java.util.Set<String> deviceNames) {
      List<OutletRef> refs = new ArrayList<>();
      for (Node n : list(outlets, key + ".outlets")) {
        String text = item(n, key + ".outlets");
        OutletRef ref;
        try {
          ref = OutletRef.parse(text);
        } catch (InvalidArgumentException ex) {
          throw error(n.at(), key + ".outlets", ex.getMessage());
        }
        if (!deviceNames.contains(ref.device())) {
          throw error(
              n.at(),
              key + ".outlets",
              "outlet "
                  + ref
                  + ": no device '"
                  + ref.device()
                  + "' is configured; devices: "
                  + String.join(", ", deviceNames));
        }
        refs.add(ref);
      }
      return refs;
    }

    GroupConfig group(Entry e, Set<String> deviceNames) {
      String key = "groups." + e.key();
      if (!GROUP_NAME.matcher(e.key()).matches()) {
        throw error(
            e.keyAt(),
            key,
            "bad group name '"
                + e.key()
                + "': use letters, digits, '.', '_' and '-', starting with a letter or digit (at"
                + " most 64)");
      }
      MapNode m = mapping(e.value(), key);
      known(m, key, GROUP);
      Entry outlets = m.entries().get("outlets");
      if (outlets == null) {
        throw error(e.keyAt(), key + ".outlets", "missing: list the outlets, e.g. [\"rack/1\"]");
      }
      List<OutletRef> refs = outletRefs(outlets, key, deviceNames);
      Duration delay =
          optional(m, key, "sequence-delay", t -> Durations.parse(t, "sequence-delay"))
              .orElse(Duration.ZERO);
      try {
        return new GroupConfig(e.key(), refs, delay);
      } catch (InvalidArgumentException ex) {
        throw error(outlets.value().at(), key, ex.getMessage());
      }
    }

    List<Node> list(Entry e, String key) {
      if (e.value() instanceof ListNode l) {
        return l.items();
      }
      throw error(
          e.value().at(),
          key,
          "expected a list ([a, b] or '- a' lines), found " + e.value().kind());
    }

    String item(Node n, String key) {
      if (n instanceof Scalar s && s.text() != null && !s.text().isBlank()) {
        return s.text().strip();
      }
      throw error(n.at(), key, "expected a value in the list, found " + n.kind());
    }

    Path path(String t) {
      try {
        return baseDir.resolve(t).normalize();
      } catch (java.nio.file.InvalidPathException ex) {
        throw new InvalidArgumentException("not a path: " + ex.getReason());
      }
    }

    static int port(String t) {
      int v;
      try {
        v = Integer.parseInt(t.trim());
      } catch (NumberFormatException ex) {
        throw new InvalidArgumentException("not a port number: '" + t + "' (0..65535)");
      }
      if (v < 0 || v > 65535) {
        throw new InvalidArgumentException("port must be 0..65535, got " + v);
      }
      return v;
    }

    DeviceConfig device(Entry d) {
      String key = "devices." + d.key();
      MapNode m = mapping(d.value(), key);
      known(m, key, DEVICE);
      Entry uri = m.entries().get("uri");
      if (uri == null) {
        throw error(d.keyAt(), key + ".uri", "missing: every device needs its address");
      }
      Optional<Duration> timeout = optional(m, key, "timeout", t -> positive(t, "timeout"));
      Optional<Duration> poll = optional(m, key, "poll", t -> positive(t, "poll"));
      String address = text(uri, key + ".uri");
      try {
        return new DeviceConfig(d.key(), address, timeout, poll);
      } catch (InvalidArgumentException ex) {
        boolean name = ex.getMessage().startsWith("bad device name");
        throw error(
            name ? d.keyAt() : uri.value().at(), name ? key : key + ".uri", ex.getMessage());
      }
    }

    static Duration positive(String text, String what) {
      Duration d = Durations.parse(text, what);
      if (d.isZero()) {
        throw new InvalidArgumentException(what + " must be more than 0, got " + text);
      }
      return d;
    }

    PrometheusConfig prometheus(Entry p) {
      String key = "metrics.prometheus";
      MapNode m = mapping(p.value(), key);
      known(m, key, PROMETHEUS);
      String host =
          Optional.ofNullable(m.entries().get("host"))
              .map(e -> text(e, key + ".host"))
              .orElse(PrometheusConfig.DEFAULT_HOST);
      int port =
          optional(
                  m,
                  key,
                  "port",
                  t -> {
                    int v;
                    try {
                      v = Integer.parseInt(t.trim());
                    } catch (NumberFormatException ex) {
                      throw new InvalidArgumentException(
                          "not a port number: '" + t + "' (0..65535)");
                    }
                    if (v < 0 || v > 65535) {
                      throw new InvalidArgumentException("port must be 0..65535, got " + v);
                    }
                    return v;
                  })
              .orElse(PrometheusConfig.DEFAULT_PORT);
      Set<String> outlets = new java.util.TreeSet<>(PrometheusConfig.OUTLET_SERIES);
      Entry o = m.entries().get("outlets");
      if (o != null) {
        outlets.clear();
        for (Node n : list(o, key + ".outlets")) {
          String series = item(n, key + ".outlets");
          if (!PrometheusConfig.OUTLET_SERIES.contains(series)) {
            throw error(
                n.at(),
                key + ".outlets",
                "no outlet series '"
                    + series
                    + "': "
                    + String.join(", ", PrometheusConfig.OUTLET_SERIES));
          }
          if (!outlets.add(series)) {
            throw error(n.at(), key + ".outlets", "'" + series + "' is named twice");
          }
        }
      }
      return new PrometheusConfig(host, port, outlets);
    }
  }
}
