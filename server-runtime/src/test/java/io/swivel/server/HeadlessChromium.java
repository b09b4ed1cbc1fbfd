package io.swivel.server;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's {@code chromium} and {@code chromium-driver} for the admin page's browser tests:
 * whether they are installed (a test skips without them, unless {@code SWIVEL_REQUIRE_BROWSER=1}),
 * a headless browser with a profile of its own, the sign-in, and a screenshot into {@code target/}.
 */
final class HeadlessChromium {

    private static final Path CHROMIUM = Path.of(System.getProperty("swivel.test.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("swivel.test.chromedriver", "/usr/bin/chromedriver"));

    private HeadlessChromium() {
    }

    /** Skips the test (or fails it, with {@code SWIVEL_REQUIRE_BROWSER=1}) without the browser. */
    static void require(String what) {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && "1".equals(System.getenv("SWIVEL_REQUIRE_BROWSER"))) {
            fail("SWIVEL_REQUIRE_BROWSER=1 but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing; "
                    + "install them with: apt-get install -y chromium chromium-driver");
        }
        assumeTrue(installed, what + " needs " + CHROMIUM + " and " + CHROMEDRIVER
                + " (Debian: apt-get install -y chromium chromium-driver); skipped without them");
    }

    /** A headless browser whose profile lives in {@code profile}. */
    static WebDriver start(Path profile) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1500,1000", "--user-data-dir=" + Files.createDirectories(profile));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    /** Opens the admin page of a live server and signs in with its token. */
    static void signIn(WebDriver browser, LiveServer live) {
        browser.get("http://127.0.0.1:" + live.server.adminAddress().getPort() + "/");
        browser.findElement(By.id("token")).sendKeys(new AdminHttp(live.server).token);
        browser.findElement(By.id("signin-button")).click();
    }

    /** Writes what the browser shows to {@code target/NAME}. */
    static void screenshot(WebDriver browser, String name) throws Exception {
        Path png = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.createDirectories(Path.of("target"));
        Files.copy(png, Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
    }
}
