package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.samples.greeter.Greeter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The admin page's shadow report in a real headless Chromium: greeter 1.0.0 serves, greeter
 * 2.0.0 (which greets with "(v2)" where 1.0.0 says "(v1)") shadows it with every idempotent
 * call, and the page shows the counts as {@code GET /v1/bundles/{name}} gives them, the last 20
 * mismatches newest first with the method, the arguments and both answers (a long argument
 * cut), and the shadow's start and stop marked on the chart's time axis. The screenshot of the
 * report lands in {@code target/shadow-report.png} (the one in docs/images comes from it).
 *
 * <p>Skips without Debian's {@code chromium} and {@code chromium-driver}, unless
 * {@code SWIVEL_REQUIRE_BROWSER=1}, like {@link AdminPageBrowserTest}.
 */
@Timeout(180)
class ShadowReportBrowserTest {

    private static final Duration WITHIN = Duration.ofSeconds(15);
    /** A 5 s poll of the chart, with room for a loaded machine. */
    private static final Duration CHART_WITHIN = Duration.ofSeconds(60);
    private static final int CALLS = 40;

    @TempDir
    Path root;

    @Test
    void thePageShowsTheShadowsCountsAndLastMismatchesAndMarksItsStartOnTheChart() throws Exception {
        HeadlessChromium.require("the shadow report's browser test");
        try (LiveServer live = LiveServer.start(root, c -> c.probation = Duration.ofMinutes(5))) {
            Greeter greeter = live.proxy(Greeter.class);
            live.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("Ada").equals("Hello, Ada (v1)"));
            LiveServer.Cli started = live.cli("shadow", "greeter", TestBundles.jar("greeter-v2").toString(),
                    "--percent", "100", "--queue", "1000");
            assertThat(started.status()).as(started.err()).isZero();
            String longName = "Grace-" + "x".repeat(2000);
            for (int i = 0; i < CALLS; i++) {
                String name = i == CALLS - 1 ? longName : "Ada-" + i;
                assertThat(greeter.greet(name)).isEqualTo("Hello, " + name + " (v1)");
            }
            await().atMost(WITHIN).until(() -> ((Number) live.server.deployer().shadowReport("greeter")
                    .get("mismatches")).intValue() == CALLS);
            Map<String, Object> report = live.server.deployer().shadowReport("greeter");

            WebDriver browser = HeadlessChromium.start(root.resolve("chromium"));
            try {
                HeadlessChromium.signIn(browser, live);
                By block = By.cssSelector("#shadows .shadow[data-bundle='greeter']");
                await().atMost(WITHIN).ignoreExceptions().until(() ->
                        browser.findElement(block).getDomAttribute("data-mismatches").equals(String.valueOf(CALLS)));
                WebElement shadow = browser.findElement(block);
                assertThat(browser.findElement(By.id("no-shadows")).isDisplayed()).isFalse();
                assertThat(shadow.findElement(By.tagName("h3")).getText())
                        .isEqualTo("greeter: shadow 2.0.0 beside 1.0.0 · 100% of the calls to @Idempotent methods"
                                + " · 2 threads, queue 1000");
                for (String count : List.of("copied", "matches", "mismatches", "errors", "dropped")) {
                    assertThat(shadow.findElement(By.cssSelector("table.counts td." + count)).getText())
                            .as(count).isEqualTo(String.valueOf(report.get(count)));
                }
                List<WebElement> rows = shadow.findElements(By.cssSelector("table.mismatches tr"));
                assertThat(rows).as("a heading and the 20 mismatches kept").hasSize(21);
                // Two shadow threads answer in either order, so the order kept is the server's, not the calls'.
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> kept = (List<Map<String, Object>>) report.get("lastMismatches");
                assertThat(kept).hasSize(20);
                WebElement longest = null;
                for (int row = 1; row <= 20; row++) {
                    Map<String, Object> expected = kept.get(20 - row);
                    WebElement cells = rows.get(row);
                    assertThat(cells.findElement(By.cssSelector("td.method")).getText()).startsWith("greet");
                    assertThat(cells.findElement(By.cssSelector("td.method")).getDomAttribute("title"))
                            .startsWith(Greeter.class.getName() + ".greet");
                    String arguments = String.valueOf(expected.get("arguments"));
                    if (arguments.startsWith("[Grace-")) {
                        longest = cells;
                        continue;
                    }
                    String name = arguments.substring(1, arguments.length() - 1);
                    assertThat(name).as("row %d, newest first", row).matches("Ada-\\d+");
                    assertThat(cells.findElement(By.cssSelector("td.arguments")).getText()).isEqualTo(arguments);
                    assertThat(cells.findElement(By.cssSelector("td.live")).getText()).isEqualTo("Hello, " + name + " (v1)");
                    assertThat(cells.findElement(By.cssSelector("td.shadow-answer")).getText())
                            .isEqualTo("Hello, " + name + " (v2)");
                }
                assertThat(longest).as("the last call's mismatch is among the 20 kept").isNotNull();
                assertThat(longest.findElement(By.cssSelector("td.arguments")).getText())
                        .as("a long argument, cut").startsWith("[Grace-xxx").endsWith("…").hasSize(161);
                assertThat(longest.findElement(By.cssSelector("td.arguments")).getDomAttribute("title"))
                        .as("the server's text, cut at 512 characters").contains("[truncated: 2008 characters in all]");

                By chart = By.cssSelector("#charts .chart[data-bundle='greeter']");
                await().atMost(CHART_WITHIN).ignoreExceptions().until(() ->
                        List.of(browser.findElement(chart).getDomAttribute("data-marks").split(",")).contains("shadow"));
                assertThat(browser.findElement(chart).findElement(By.cssSelector("ul.events")).getText())
                        .contains("shadow 2.0.0 at 100%");
                ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                        "document.getElementById('shadows').scrollIntoView()");
                HeadlessChromium.screenshot(browser, "shadow-report.png");

                LiveServer.Cli stopped = live.cli("shadow", "greeter", "--stop");
                assertThat(stopped.status()).as(stopped.err()).isZero();
                await().atMost(WITHIN).until(() -> browser.findElements(block).isEmpty()
                        && browser.findElement(By.id("no-shadows")).isDisplayed());
                await().atMost(CHART_WITHIN).ignoreExceptions().until(() ->
                        browser.findElement(chart).findElement(By.cssSelector("ul.events")).getText()
                                .contains("shadow 2.0.0 stopped"));
            } finally {
                browser.quit();
            }
        }
    }
}
