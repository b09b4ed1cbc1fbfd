package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.samples.greeter.Greeter;
import io.swivel.server.internal.admin.AdminToken;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin page's door, over plain HTTP: without the token {@code GET /} is a 401 sign-in page;
 * the {@code swivel_token_<admin port>} cookie authorizes the page, its script and the API; a POST authorized
 * by the cookie alone needs {@code X-Swivel-Request: 1}; the bearer header works as before.
 */
@Timeout(120)
class AdminPageAuthTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path root;

    @Test
    void theCookieOpensThePageAndItsApiAndStateChangesNeedTheCsrfHeader() throws Exception {
        try (LiveServer live = LiveServer.start(root, c -> c.probation = Duration.ofMinutes(5))) {
            AdminHttp admin = new AdminHttp(live.server);
            Greeter greeter = live.proxy(Greeter.class);
            live.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("Ada").equals("Hello, Ada (v1)"));
            live.moveIn(TestBundles.jar("greeter-v2"), "greeter.jar");
            await().atMost(WITHIN).until(() -> greeter.greet("Ada").equals("Hello, Ada (v2)"));
            String cookieName = AdminToken.cookieName(live.server.adminAddress().getPort());
            String cookie = cookieName + "=" + admin.token;

            HttpResponse<String> signIn = admin.send(admin.request("/"));
            assertThat(signIn.statusCode()).isEqualTo(401);
            assertThat(signIn.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(signIn.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                    assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'"));
            assertThat(signIn.body()).contains("id=\"token\"").contains("/assets/signin.js").doesNotContain("greeter");
            assertThat(admin.send(admin.request("/").header("Cookie", cookieName + "=wrong")).statusCode()).isEqualTo(401);
            assertThat(admin.send(admin.request("/assets/signin.js")).statusCode()).as("public: holds no data").isEqualTo(200);
            assertThat(admin.send(admin.request("/assets/swivel.css")).statusCode()).isEqualTo(200);
            assertThat(admin.send(admin.request("/assets/app.js")).statusCode()).isEqualTo(401);
            assertThat(admin.send(admin.request("/v1/bundles").header("Cookie", "other=1; " + cookieName + "=nope")).statusCode())
                    .isEqualTo(401);

            HttpResponse<String> page = admin.send(admin.request("/").header("Cookie", "theme=dark; " + cookie));
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("/assets/app.js").contains("id=\"bundles\"");
            assertThat(admin.send(admin.bearer("/")).statusCode()).as("the bearer header opens it too").isEqualTo(200);
            HttpResponse<String> script = admin.send(admin.request("/assets/app.js").header("Cookie", cookie));
            assertThat(script.statusCode()).isEqualTo(200);
            assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
            HttpResponse<String> bundles = admin.send(admin.request("/v1/bundles").header("Cookie", cookie));
            assertThat(bundles.statusCode()).isEqualTo(200);
            assertThat(bundles.body()).contains("\"version\" : \"2.0.0\"");
            assertThat(admin.send(admin.request("/metrics").header("Cookie", cookie)).statusCode()).isEqualTo(200);

            HttpResponse<String> forged = admin.send(admin.request("/v1/bundles/greeter/rollback").header("Cookie", cookie)
                    .POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(forged.body()).contains("X-Swivel-Request: 1");
            assertThat(greeter.greet("Ada")).as("nothing rolled back").isEqualTo("Hello, Ada (v2)");
            assertThat(admin.send(admin.request("/v1/bundles/greeter/undeploy").header("Cookie", cookie)
                    .header("X-Swivel-Request", "yes").POST(HttpRequest.BodyPublishers.noBody())).statusCode())
                    .isEqualTo(403);
            assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v2)");

            HttpResponse<String> fromPage = admin.send(admin.request("/v1/bundles/greeter/rollback").header("Cookie", cookie)
                    .header("X-Swivel-Request", "1").POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertThat(fromPage.statusCode()).as(fromPage.body()).isEqualTo(200);
            assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v1)");

            HttpResponse<String> fromCli = admin.send(admin.bearer("/v1/bundles/greeter/rollback")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"to\": \"2.0.0\"}")));
            assertThat(fromCli.statusCode()).as("the bearer header needs no extra header").isEqualTo(200);
            assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v2)");
        }
    }
}
