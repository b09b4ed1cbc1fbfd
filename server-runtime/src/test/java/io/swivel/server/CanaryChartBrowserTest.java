package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.samples.greeter.Greeter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The admin page's chart of old against new in a real headless Chromium: greeter 1.0.0 serves,
 * a canary 2.0.0 takes 50% of steady traffic, and the chart shows two series (one per version,
 * each with points that counted calls) drawn by uPlot, with the canary's start marked. The
 * screenshot lands in {@code target/canary-chart.png} (the one in docs/images comes from it).
 *
 * <p>Skips without Debian's {@code chromium} and {@code chromium-driver}, unless
 * {@code SWIVEL_REQUIRE_BROWSER=1}, like {@link AdminPageBrowserTest}.
 */
@Timeout(180)
class CanaryChartBrowserTest {

    private static final Duration WITHIN = Duration.ofSeconds(15);
    /** Two closed 5 s points and a 5 s poll of the page, with room for a loaded machine. */
    private static final Duration CHART_WITHIN = Duration.ofSeconds(60);
    private static final int MAX_BACKGROUND_CALLS = 6000;

    @TempDir
    Path root;

    @Test
    void theChartShowsTheStableVersionAndTheCanaryAsTwoSeries() throws Exception {
        HeadlessChromium.require("the canary chart's browser test");
        try (LiveServer live = LiveServer.start(root, c -> c.probation = Duration.ofMinutes(5))) {
            Greeter greeter = live.proxy(Greeter.class);
            live.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("Ada").equals("Hello, Ada (v1)"));
            LiveServer.Cli started = live.cli("canary", "greeter", TestBundles.jar("greeter-v2").toString(),
                    "--steps", "50,100", "--step-every", "1h");
            assertThat(started.status()).as(started.err()).isZero();

            ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
            AtomicInteger sent = new AtomicInteger();
            traffic.scheduleAtFixedRate(() -> {
                if (sent.incrementAndGet() <= MAX_BACKGROUND_CALLS) {
                    greeter.greet("traffic");
                }
            }, 0, 10, TimeUnit.MILLISECONDS);
            WebDriver browser = HeadlessChromium.start(root.resolve("chromium"));
            try {
                HeadlessChromium.signIn(browser, live);

                By chart = By.cssSelector("#charts .chart[data-bundle='greeter']");
                await().atMost(CHART_WITHIN).ignoreExceptions().until(() -> {
                    String points = browser.findElement(chart).getDomAttribute("data-points");
                    return Arrays.stream(points.split(",")).filter(n -> Integer.parseInt(n) >= 2).count() == 2;
                });
                WebElement element = browser.findElement(chart);
                assertThat(element.getDomAttribute("data-versions")).isEqualTo("1.0.0 (active), 2.0.0 (canary)");
                for (String plot : List.of("rate", "errors", "p99")) {
                    List<String> legend = element.findElements(By.cssSelector(".plot." + plot + " .u-legend .u-series th"))
                            .stream().map(th -> th.getDomProperty("textContent").trim()).toList();
                    assertThat(legend).as(plot + " legend").contains("1.0.0 (active)", "2.0.0 (canary)");
                    assertThat(element.findElements(By.cssSelector(".plot." + plot + " canvas"))).as(plot).isNotEmpty();
                }
                // each version's series holds calls/s above zero: drawn by uPlot, not just listed
                Object rates = ((JavascriptExecutor) browser).executeScript(
                        "const u = document.querySelector(\"#charts .chart[data-bundle='greeter'] .plot.rate\");"
                                + "return u ? u.querySelectorAll('.u-legend .u-series').length : 0;");
                assertThat(((Number) rates).intValue()).as("x and two versions in the legend").isEqualTo(3);
                assertThat(element.findElement(By.cssSelector("ul.events")).getText()).contains("canary 2.0.0 at 50%");
                assertThat(sent.get()).isLessThanOrEqualTo(MAX_BACKGROUND_CALLS + 1);
                HeadlessChromium.screenshot(browser, "canary-chart.png");
            } finally {
                browser.quit();
                traffic.shutdownNow();
                assertThat(traffic.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            }
        }
    }
}
