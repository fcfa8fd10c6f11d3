package io.pdu4j.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code api} and {@code groups} sections of devices.yaml. */
class ApiConfigTest {
  private static final Path BASE = Path.of("/etc/pdu4j");
  private static final String DEVICES =
      """
      devices:
        rack:
          uri: "isotek:tcp://10.0.0.5:501"
        av-rack:
          uri: "isotek:tcp://10.0.0.6:501"
        av-shelf:
          uri: "isotek:tcp://10.0.0.7:501"
      """;

  private static Pdu4jConfig parse(String yaml) {
    return Pdu4jConfig.parse(new StringReader(DEVICES + yaml), "devices.yaml", BASE);
  }

  private static String error(String yaml) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml));
    assertThat(e).as("an error for:\n" + yaml).isNotNull();
    return e.getMessage();
  }

  @Test
  void readsTheIssuesShape() {
    Pdu4jConfig c =
        parse(
            """
            groups:
              bench-a:
                outlets: ["rack/1", "rack/2", "av-rack/3", "av-shelf/0021ED0000099001/2"]
                sequence-delay: 2s
            api:
              host: 127.0.0.1
              port: 8080
              auth:
                tokens:
                  ci-bot:  { token: "env:PDU_TOKEN_CI", role: operator, devices: ["rack", "av-*"] }
                  grafana: { token: "file:/etc/pdu4j/viewer.token", role: viewer }
              audit: ./audit.jsonl
            """);
    ApiConfig api = c.api().orElseThrow();
    assertThat(api.host()).isEqualTo("127.0.0.1");
    assertThat(api.port()).isEqualTo(8080);
    assertThat(api.authenticated()).isTrue();
    assertThat(api.audit()).hasValue(BASE.resolve("audit.jsonl"));
    assertThat(api.tokens().keySet()).containsExactly("ci-bot", "grafana");
    TokenConfig ci = api.tokens().get("ci-bot");
    assertThat(ci.role()).isEqualTo(ApiRole.OPERATOR);
    assertThat(ci.reference()).isEqualTo("env:PDU_TOKEN_CI");
    assertThat(ci.allows("rack")).isTrue();
    assertThat(ci.allows("av-shelf")).isTrue();
    assertThat(ci.allows("racks")).isFalse();
    assertThat(api.tokens().get("grafana").allows("anything")).isTrue();
    GroupConfig g = c.groups().get("bench-a");
    assertThat(g.sequenceDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(g.outlets())
        .containsExactly(
            new OutletRef("rack", "1"),
            new OutletRef("rack", "2"),
            new OutletRef("av-rack", "3"),
            new OutletRef("av-shelf", "0021ED0000099001/2"));
  }

  @Test
  void defaultsAndTheOldShapeStillWork() {
    Pdu4jConfig bare = parse("");
    assertThat(bare.api()).isEmpty();
    assertThat(bare.groups()).isEmpty();
    ApiConfig api = parse("api: {}\n").api().orElseThrow();
    assertThat(api.host()).isEqualTo("127.0.0.1");
    assertThat(api.port()).isEqualTo(8080);
    assertThat(api.authenticated()).isFalse();
    assertThat(api.audit()).isEmpty();
    assertThat(parse("groups:\n  g:\n    outlets: [rack/1]\n").groups().get("g").sequenceDelay())
        .isZero();
  }

  @Test
  void badValuesAreClearErrorsAtTheirLine() {
    assertThat(
            error(
                """
                api:
                  auth:
                    tokens:
                      t: { token: "env:T", role: superuser }
                """))
        .contains("devices.yaml:11: api.auth.tokens.t.role: unknown role 'superuser'")
        .contains("viewer, operator, admin");
    assertThat(
            error(
                """
                groups:
                  g:
                    outlets: ["rack/1", "nope/2"]
                """))
        .contains("devices.yaml:10: groups.g.outlets: outlet nope/2: no device 'nope'");
    assertThat(error("groups:\n  g:\n    outlets: [\"rack\"]\n"))
        .contains("groups.g.outlets: not an outlet: 'rack'");
    assertThat(error("groups:\n  g:\n    outlets: [\"/1\"]\n")).contains("not an outlet: '/1'");
    assertThat(error("groups:\n  g:\n    outlets: [rack/1, rack/1]\n"))
        .contains("groups.g: outlet rack/1 is listed twice");
    assertThat(error("groups:\n  g:\n    outlets: []\n")).contains("at least one outlet");
    assertThat(error("groups:\n  g:\n    outlets: rack/1\n")).contains("expected a list");
    assertThat(error("groups:\n  g:\n    outlets: [rack/1]\n    sequence-delay: 1d\n"))
        .contains("groups.g.sequence-delay");
    assertThat(error("groups:\n  g:\n    outlets: [rack/1]\n    sequence-delay: 11m\n"))
        .contains("sequence-delay must be 0 to 10m");
    assertThat(error("groups:\n  g:\n    outlets: [rack/1]\n  g:\n    outlets: [rack/2]\n"))
        .contains("groups.g: given twice");
    assertThat(error("api:\n  port: 70000\n")).contains("api.port: port must be 0..65535");
    assertThat(error("api:\n  auth: {}\n")).contains("api.auth.tokens: missing");
    assertThat(error("api:\n  auth:\n    tokens:\n      t: { token: \"env:T\" }\n"))
        .contains("api.auth.tokens.t.role: missing");
    assertThat(
            error(
                "api:\n  auth:\n    tokens:\n      t: { token: \"env:T\", role: viewer, devices:"
                    + " [\"rak*\"] }\n"))
        .contains("'rak*' matches no configured device");
    assertThat(
            error(
                "api:\n  auth:\n    tokens:\n      a: { token: \"env:T\", role: viewer }\n"
                    + "      b: { token: \"env:T\", role: admin }\n"))
        .contains("api.auth.tokens.b.token: the same reference as token 'a'");
    assertThat(error("api:\n  hots: x\n")).contains("api.hots: unknown key");
  }

  @Test
  void aLiteralTokenIsRefusedWithoutEchoingIt() {
    String message =
        error(
            "api:\n  auth:\n    tokens:\n      t: { token: \"s3cr3t-literal-token\", role: viewer"
                + " }\n");
    assertThat(message)
        .contains("api.auth.tokens.t.token: a token must be a reference")
        .doesNotContain("s3cr3t");
  }

  @Test
  void tlsTakesAKeyStoreAndAPasswordReferenceNeverThePassword() {
    ApiConfig api =
        parse(
                """
                api:
                  tls:
                    keystore: ./api.p12
                    password: "env:PDU4J_KEYSTORE_PASSWORD"
                """)
            .api()
            .orElseThrow();
    TlsConfig tls = api.tls().orElseThrow();
    assertThat(tls.keystore()).isEqualTo(BASE.resolve("api.p12"));
    assertThat(tls.password()).isEqualTo("env:PDU4J_KEYSTORE_PASSWORD");
    assertThat(tls.type()).isEqualTo("PKCS12");
    assertThat(tls.toString()).doesNotContain("PDU4J_KEYSTORE_PASSWORD");
    assertThat(parse("api: {}\n").api().orElseThrow().tls()).isEmpty();

    String literal = error("api:\n  tls: { keystore: a.p12, password: \"hunter2-secret\" }\n");
    assertThat(literal)
        .contains("devices.yaml:9: api.tls.password: the key store password must be a reference")
        .doesNotContain("hunter2");
    assertThat(error("api:\n  tls: { password: \"env:P\" }\n"))
        .contains("api.tls.keystore: missing");
    assertThat(error("api:\n  tls: { keystore: a.p12 }\n")).contains("api.tls.password: missing");
    assertThat(error("api:\n  tls: { keystore: a.p12, password: \"env:P\", type: PEM }\n"))
        .contains("api.tls.type: type must be PKCS12 or JKS");
    assertThat(error("api:\n  tls: { keystore: a.p12, password: \"env:P\", pass: x }\n"))
        .contains("api.tls.pass: unknown key");
  }

  @Test
  void globsMatchAsShellGlobsDo() {
    TokenConfig t = new TokenConfig("t", "env:T", ApiRole.VIEWER, List.of("av-*", "rack-?"));
    assertThat(t.allows("av-")).isTrue();
    assertThat(t.allows("av-rack")).isTrue();
    assertThat(t.allows("rack-1")).isTrue();
    assertThat(t.allows("rack-10")).isFalse();
    assertThat(t.allows("xav-rack")).isFalse();
    assertThat(TokenConfig.glob("*a*b", "xxaxxb")).isTrue();
    assertThat(TokenConfig.glob("*a*b", "xxaxxbc")).isFalse();
  }

  @Test
  void thePdudaemonListenerHasPdudaemonsDefaults() {
    assertThat(parse("").pdudaemon()).isEmpty();
    assertThat(parse("pdudaemon: {}\n").pdudaemon())
        .hasValue(new PdudaemonConfig("127.0.0.1", 16421));
    assertThat(parse("pdudaemon:\n  host: 0.0.0.0\n  port: 0\n").pdudaemon())
        .hasValue(new PdudaemonConfig("0.0.0.0", 0));
    assertThat(error("pdudaemon:\n  port: x\n")).contains("pdudaemon.port: not a port number");
    assertThat(error("pdudaemon:\n  hots: x\n")).contains("pdudaemon.hots: unknown key");
  }

  @Test
  void hostSchedulesAreReadAndCheckedAtTheirLine() {
    HostScheduleConfig s =
        parse(
                """
                schedules:
                  night-off: { at: "23:00", days: [mon, tue, wed, thu, fri], action: off, outlets: ["rack/5"] }
                """)
            .schedules()
            .get("night-off");
    assertThat(s.at()).isEqualTo(java.time.LocalTime.of(23, 0));
    assertThat(s.days()).hasSize(5).doesNotContain(java.time.DayOfWeek.SATURDAY);
    assertThat(s.action()).isEqualTo("off");
    assertThat(s.outlets()).containsExactly(new OutletRef("rack", "5"));
    assertThat(
            parse("schedules:\n  s: { at: \"06:30\", action: on, outlets: [rack/1] }\n")
                .schedules()
                .get("s")
                .days())
        .hasSize(7);
    assertThat(error("schedules:\n  s: { at: \"25:00\", action: on, outlets: [rack/1] }\n"))
        .contains("schedules.s.at: not a time of day: '25:00'");
    assertThat(
            error(
                "schedules:\n  s: { at: \"06:30\", days: [mo], action: on, outlets: [rack/1] }\n"))
        .contains("schedules.s.days: not a day: 'mo'");
    assertThat(error("schedules:\n  s: { at: \"06:30\", action: explode, outlets: [rack/1] }\n"))
        .contains("schedules.s.action: unknown action 'explode'");
    assertThat(error("schedules:\n  s: { at: \"06:30\", action: on, outlets: [nope/1] }\n"))
        .contains("schedules.s.outlets: outlet nope/1: no device 'nope'");
  }

  @Test
  void rolesIncludeTheOnesBelow() {
    assertThat(ApiRole.ADMIN.includes(ApiRole.OPERATOR)).isTrue();
    assertThat(ApiRole.OPERATOR.includes(ApiRole.VIEWER)).isTrue();
    assertThat(ApiRole.VIEWER.includes(ApiRole.OPERATOR)).isFalse();
  }
}
