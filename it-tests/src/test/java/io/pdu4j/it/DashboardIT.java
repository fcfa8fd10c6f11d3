package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.sim.enistic.EnisticSimulator;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web dashboard of the packaged {@code pdu4j serve}, in a real headless Chromium, on an IsoTek
 * and an Enistic simulator with tokens on: the token prompt refuses a wrong token and takes the
 * right one; the page shows the simulators' outlets and watts; a switch from the page (click,
 * confirm) reaches the simulator; the page follows the simulator when it changes by itself.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver}; without them the test is skipped,
 * unless {@code CI=true}, where it fails. With {@code -Dpdu4j.screenshots=DIR} it also saves {@code
 * dashboard.png} and {@code dashboard-login.png} there (how docs/images/ are made).
 */
class DashboardIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String CONTROLLER = "004A3BB5B04";
  private static final String OPERATOR_TOKEN = "dash-op-5f1c0e7a9b2d4c6e8f00112233445566";
  private static final Pattern API = Pattern.compile("API at http://127\\.0\\.0\\.1:(\\d+)/api/v1");
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path dir;
  private IsoTekSimulator rack;
  private EnisticSimulator office;
  private ServeProcess serve;
  private WebDriver browser;
  private String base;

  @BeforeEach
  void start() throws Exception {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present) {
      assertThat("true".equals(System.getenv("CI")))
          .as(
              "CI=true and %s or %s is missing (apt-get install chromium chromium-driver)",
              CHROMIUM, CHROMEDRIVER)
          .isFalse();
      Assumptions.abort(
          "the dashboard test needs "
              + CHROMIUM
              + " and "
              + CHROMEDRIVER
              + " (apt-get install chromium chromium-driver)");
    }
    rack =
        IsoTekSimulator.builder()
            .outlets(8)
            .jitter(false)
            .mainsVolts(230)
            .loadWatts(1, 137)
            .loadWatts(2, 64)
            .loadWatts(3, 12)
            .outletConfig(1, "SERVER-A", 1, 0)
            .outletConfig(8, "<i>x</i>", 1, 0) // device text is shown as text, never as HTML
            .initialState(6, false)
            .build()
            .start();
    int readings;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      readings = s.getLocalPort();
    }
    office =
        EnisticSimulator.builder()
            .target(new InetSocketAddress(InetAddress.getLoopbackAddress(), readings))
            .controlPort(0)
            .controller(CONTROLLER, 2, 1, 1)
            .rate(10)
            .build()
            .start();
    Path token = Files.writeString(dir.resolve("op.token"), OPERATOR_TOKEN + "\n");
    Path config =
        Files.writeString(
            dir.resolve("devices.yaml"),
            """
            devices:
              rack:
                uri: "isotek:tcp://127.0.0.1:%d"
              office:
                uri: "enistic:udp://127.0.0.1:%d/%s?send=127.0.0.1:%d"
            groups:
              bench:
                outlets: ["rack/4", "rack/5"]
                sequence-delay: 0s
            api:
              host: 127.0.0.1
              port: 0
              auth:
                tokens:
                  lab: { token: "file:%s", role: operator }
            metrics:
              prometheus:
                host: 127.0.0.1
                port: 0
            """
                .formatted(rack.port(), readings, CONTROLLER, office.controlPort(), token));
    serve = ServeProcess.start(config);
    await().atMost(WAIT).until(() -> API.matcher(serve.log()).find());
    Matcher m = API.matcher(serve.log());
    assertThat(m.find()).isTrue();
    base = "http://127.0.0.1:" + m.group(1);

    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    browser = new ChromeDriver(service, options);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (serve != null) {
      serve.close();
    }
    if (office != null) {
      office.close();
    }
    if (rack != null) {
      rack.close();
    }
  }

  private WebElement tile(String device, int outlet) {
    return browser.findElement(
        By.cssSelector(
            "article[data-device='" + device + "'] .outlet[data-outlet='" + outlet + "']"));
  }

  private String text(String device, int outlet, String part) {
    return tile(device, outlet).findElement(By.cssSelector(part)).getText();
  }

  @Test
  void theDashboardShowsTheSimulatorsAndSwitchesThem() throws Exception {
    browser.get(base + "/");

    // the token prompt: a wrong token is refused with a clear message, the right one is taken
    await().atMost(WAIT).until(() -> browser.findElement(By.id("login")).isDisplayed());
    screenshot("dashboard-login.png");
    browser.findElement(By.id("token-input")).sendKeys("not-the-token");
    browser.findElement(By.id("token-submit")).click();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(browser.findElement(By.id("token-error")).getText())
                    .contains("not accepted")
                    .contains("token"));
    assertThat(browser.findElement(By.id("login")).isDisplayed()).isTrue();
    browser.findElement(By.id("token-input")).clear();
    browser.findElement(By.id("token-input")).sendKeys(OPERATOR_TOKEN);
    browser.findElement(By.id("token-submit")).click();
    await().atMost(WAIT).until(() -> !browser.findElement(By.id("login")).isDisplayed());

    // the simulators' outlets, names and watts, as the simulators report them
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(text("rack", 1, ".outlet-name")).isEqualTo("SERVER-A");
              assertThat(text("rack", 1, ".watts")).isEqualTo("137.0 W");
              assertThat(text("rack", 2, ".watts")).isEqualTo("64.0 W");
              assertThat(text("rack", 1, ".volts")).isEqualTo("230 V");
              assertThat(text("rack", 6, ".state")).isEqualTo("OFF");
              assertThat(text("rack", 5, ".state")).isEqualTo("ON");
              assertThat(text("rack", 8, ".outlet-name")).isEqualTo("<i>x</i>");
              assertThat(tile("rack", 8).findElements(By.tagName("i"))).isEmpty();
              assertThat(
                      browser
                          .findElement(By.cssSelector("article[data-device='rack'] .badge"))
                          .getText())
                  .isEqualToIgnoringCase("online");
              List<WebElement> office =
                  browser.findElements(By.cssSelector("article[data-device='office'] .outlet"));
              assertThat(office).isNotEmpty();
              assertThat(office)
                  .anySatisfy(
                      t ->
                          assertThat(t.findElement(By.cssSelector(".watts")).getText())
                              .matches("\\d+\\.\\d W"));
            });
    assertThat(browser.findElement(By.id("live")).getText()).isEqualTo("live");

    // a switch from the page, confirmed in the dialog, reaches the simulator
    assertThat(rack.outletState(2)).isTrue();
    tile("rack", 2).findElement(By.cssSelector("button[data-action='off']")).click();
    await().atMost(WAIT).until(() -> browser.findElement(By.id("confirm")).isDisplayed());
    assertThat(browser.findElement(By.id("confirm-text")).getText()).contains("rack");
    browser.findElement(By.id("confirm-yes")).click();
    await().atMost(WAIT).until(() -> !rack.outletState(2));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(text("rack", 2, ".result")).isEqualTo("confirmed OFF");
              assertThat(text("rack", 2, ".state")).isEqualTo("OFF");
            });
    // Cancel sends nothing
    tile("rack", 3).findElement(By.cssSelector("button[data-action='off']")).click();
    await().atMost(WAIT).until(() -> browser.findElement(By.id("confirm")).isDisplayed());
    browser.findElement(By.id("confirm-no")).click();
    await().atMost(WAIT).until(() -> !browser.findElement(By.id("confirm")).isDisplayed());
    assertThat(rack.outletState(3)).isTrue();

    // the page follows the simulator when it changes by itself (the front panel)
    rack.setOutletState(7, false);
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(text("rack", 7, ".state")).isEqualTo("OFF"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(browser.findElement(By.id("events")).getText()).contains("ON → OFF"));

    // a group button, confirmed, switches the group's outlets in the simulator
    browser
        .findElement(By.cssSelector(".group[data-group='bench'] button[data-action='off']"))
        .click();
    await().atMost(WAIT).until(() -> browser.findElement(By.id("confirm")).isDisplayed());
    browser.findElement(By.id("confirm-yes")).click();
    await().atMost(WAIT).until(() -> !rack.outletState(4) && !rack.outletState(5));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        browser
                            .findElement(By.cssSelector(".group[data-group='bench'] .result"))
                            .getText())
                    .startsWith("confirmed"));

    if (System.getProperty("pdu4j.screenshots") != null) {
      // for the docs: a little history in the plots, with the loads moving
      for (int i = 0; i < 8; i++) {
        rack.setLoadWatts(1, 120 + 9 * i);
        rack.setLoadWatts(3, i < 4 ? 12 : 95);
        Thread.sleep(5000); // a history step per load; not waiting for a result
      }
      await()
          .atMost(WAIT)
          .until(
              () ->
                  browser.findElements(By.cssSelector("article[data-device='rack'] .uplot")).size()
                      == 1);
      screenshot("dashboard.png");
    }
  }

  private void screenshot(String name) throws Exception {
    String to = System.getProperty("pdu4j.screenshots");
    if (to == null) {
      return;
    }
    browser.manage().window().setSize(new Dimension(1400, 1500));
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Path dirPath = Files.createDirectories(Path.of(to));
    Files.write(dirPath.resolve(name), png);
  }
}
