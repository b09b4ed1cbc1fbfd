package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.swivel.samples.greeter.Greeter;
import io.swivel.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The admin page in a real headless Chromium: an operator enters the token once, sees greeter
 * 2.0.0 serving with 1.0.0 on standby, the live call rate and the ZooKeeper registrations,
 * presses Rollback, confirms, and sees 1.0.0 serve; a client call then answers v1.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver}. Without them the test is
 * skipped, unless {@code SWIVEL_REQUIRE_BROWSER=1} (as {@code .ci/run} sets), which makes it fail.
 * The system properties {@code swivel.test.chromium} and {@code swivel.test.chromedriver} point
 * elsewhere.
 */
@Timeout(180)
class AdminPageBrowserTest {

    private static final Path CHROMIUM = Path.of(System.getProperty("swivel.test.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("swivel.test.chromedriver", "/usr/bin/chromedriver"));
    private static final Duration WITHIN = Duration.ofSeconds(15);
    private static final int MAX_BACKGROUND_CALLS = 5000;

    @TempDir
    Path root;

    @Test
    void anOperatorSignsInOnceSeesTheBundlesAndRollsBackFromThePage() throws Exception {
        requireBrowser();
        try (LiveServer live = LiveServer.start(root, c -> {
            c.probation = Duration.ofMinutes(5);
            c.zookeeper = ServerConfig.EMBEDDED;
            c.embeddedZkPort = 0;
        })) {
            Greeter greeter = live.proxy(Greeter.class);
            live.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("Ada").equals("Hello, Ada (v1)"));
            WebDriver first = startBrowser("chromium-first"); // a profile of its own: signed out
            try { // one version only: nothing to roll back to, so no Rollback is offered
                first.get("http://127.0.0.1:" + live.server.adminAddress().getPort() + "/");
                first.findElement(By.id("token")).sendKeys(new AdminHttp(live.server).token);
                first.findElement(By.id("signin-button")).click();
                await().atMost(WITHIN).ignoreExceptions().until(() -> cell(first, "active-version").equals("1.0.0"));
                WebElement rollback = first.findElement(By.cssSelector("tr[data-bundle='greeter'] button.rollback"));
                assertThat(rollback.isEnabled()).isFalse();
                assertThat(rollback.getDomAttribute("title"))
                        .isEqualTo("Nothing to roll back to: greeter has only 1.0.0 in its history");
                assertThat(first.findElement(By.cssSelector("tr[data-bundle='greeter'] button.undeploy")).isEnabled()).isTrue();
            } finally {
                first.quit();
            }
            live.moveIn(TestBundles.jar("greeter-v2"), "greeter.jar");
            await().atMost(WITHIN).until(() -> greeter.greet("Ada").equals("Hello, Ada (v2)"));
            await().atMost(WITHIN).until(() -> live.status("greeter").standby() != null
                    && live.status("greeter").standby().state().equals("STANDBY"));

            // steady traffic for the call rate: about 50 calls/s, bounded in count and by the test
            ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
            AtomicInteger sent = new AtomicInteger();
            traffic.scheduleAtFixedRate(() -> {
                if (sent.incrementAndGet() <= MAX_BACKGROUND_CALLS) {
                    greeter.greet("traffic");
                }
            }, 0, 20, TimeUnit.MILLISECONDS);
            WebDriver browser = startBrowser("chromium");
            try {
                String base = "http://127.0.0.1:" + live.server.adminAddress().getPort();
                browser.get(base + "/");
                browser.findElement(By.id("token")).sendKeys(new AdminHttp(live.server).token);
                browser.findElement(By.id("signin-button")).click();

                await().atMost(WITHIN).ignoreExceptions().until(() -> cell(browser, "active-version").equals("2.0.0"));
                assertThat(cell(browser, "standby-version")).startsWith("1.0.0 (standby");
                assertThat(cell(browser, "history")).isEqualTo("2.0.0, 1.0.0");
                await().atMost(WITHIN).ignoreExceptions().until(() ->
                        Double.parseDouble(browser.findElement(By.id("rate")).getText()) > 5);
                await().atMost(WITHIN).ignoreExceptions().until(() -> browser.findElements(By.cssSelector("#services td.version"))
                        .stream().map(WebElement::getText).toList().equals(List.of("2.0.0")));
                assertThat(browser.findElement(By.id("banner")).isDisplayed()).isFalse();

                browser.navigate().refresh(); // the token was entered once: the page opens again without it
                await().atMost(WITHIN).ignoreExceptions().until(() -> cell(browser, "active-version").equals("2.0.0"));
                screenshot(browser, "admin-page-before-rollback.png");

                browser.findElement(By.cssSelector("tr[data-bundle='greeter'] button.rollback")).click();
                WebElement dialog = browser.findElement(By.id("confirm"));
                await().atMost(WITHIN).until(dialog::isDisplayed);
                assertThat(browser.findElement(By.id("confirm-text")).getText())
                        .isEqualTo("Roll back greeter 2.0.0 to standby 1.0.0?");
                browser.findElement(By.id("confirm-ok")).click();

                await().atMost(WITHIN).ignoreExceptions().until(() -> cell(browser, "active-version").equals("1.0.0"));
                assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v1)");
                assertThat(browser.findElement(By.id("notice")).getText())
                        .contains("greeter 2.0.0 → 1.0.0 rolled back from standby");
                await().atMost(WITHIN).ignoreExceptions().until(() -> browser.findElements(By.cssSelector("#services td.version"))
                        .stream().map(WebElement::getText).toList().equals(List.of("1.0.0")));
                // what happened, newest first, with the server's version, uptime and ZooKeeper state (GET /v1/events)
                // (the rollback's own drain of 2.0.0 may come after it: not necessarily the first row)
                await().atMost(WITHIN).ignoreExceptions().until(() -> browser.findElements(By.cssSelector("#events tbody tr"))
                        .stream().map(r -> r.getAttribute("data-type")).toList().contains("rolled_back"));
                assertThat(browser.findElements(By.cssSelector("#events tbody tr")).stream().map(r -> r.getAttribute("data-type")))
                        .containsSubsequence("rolled_back", "swapped", "deployed", "deployed", "server_started");
                assertThat(browser.findElement(By.cssSelector("#events tbody tr td.time")).getText()).isNotBlank();
                assertThat(browser.findElement(By.id("server-info")).getText())
                        .matches("Swivel 0\\.1\\.0-SNAPSHOT · up \\d+(s|m \\d+s) · ZooKeeper (connected|disconnected|none)");
                // the rate survives the switch (counters restart with the returning version)
                await().atMost(WITHIN).ignoreExceptions().until(() ->
                        Double.parseDouble(browser.findElement(By.id("rate")).getText()) > 5);
                screenshot(browser, "admin-page.png");
            } finally {
                browser.quit();
                traffic.shutdownNow();
                assertThat(traffic.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    private static String cell(WebDriver browser, String column) {
        return browser.findElement(By.cssSelector("tr[data-bundle='greeter'] td." + column)).getText();
    }

    private WebDriver startBrowser(String profile) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1500,800", "--user-data-dir=" + Files.createDirectories(root.resolve(profile)));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private static void screenshot(WebDriver browser, String name) throws Exception {
        Path png = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.createDirectories(Path.of("target"));
        Files.copy(png, Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void requireBrowser() {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && "1".equals(System.getenv("SWIVEL_REQUIRE_BROWSER"))) {
            fail("SWIVEL_REQUIRE_BROWSER=1 but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing; "
                    + "install them with: apt-get install -y chromium chromium-driver");
        }
        assumeTrue(installed, "the admin page's browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
                + " (Debian: apt-get install -y chromium chromium-driver); skipped without them");
    }
}
