package io.swivel.server.internal.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The admin web page: static files shipped in the server jar (no CDN, no build step), read once
 * and answered from memory (so on the event loop). {@code /} is the page, {@code /assets/app.js}
 * its script; both need the token. The sign-in page (answered with 401 instead of the page) and
 * its script and the style sheet are public: they hold no data.
 */
final class AdminPage {

    /** The paths that answer the page itself. */
    static boolean isPage(String path) {
        return path.equals("/") || path.equals("/index.html");
    }

    private static final String ROOT = "/io/swivel/server/admin/page/";
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Cache-Control", "no-store",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Content-Security-Policy", CSP);
    /** The sign-in page's body tag, and the one that tells its script the browser's cookie was refused. */
    private static final String BODY = "<body class=\"signin\">";
    private static final String STALE_BODY = "<body class=\"signin\" data-stale-token=\"1\">";

    /** One file: its content type and bytes. */
    record Asset(String contentType, byte[] bytes) {
    }

    private final Asset page = load("index.html", "text/html; charset=utf-8");
    private final Asset signIn = load("signin.html", "text/html; charset=utf-8");
    private final Asset staleSignIn = stale(signIn);
    private final Map<String, Asset> publicAssets = Map.of(
            "/assets/signin.js", load("signin.js", "text/javascript; charset=utf-8"),
            "/assets/swivel.css", load("swivel.css", "text/css; charset=utf-8"));
    /** uPlot, the chart library, from its WebJar on the classpath (see the server-runtime pom). */
    static final String UPLOT = "/META-INF/resources/webjars/uplot/1.6.30/dist/";
    private final Map<String, Asset> privateAssets = Map.of(
            "/assets/app.js", load("app.js", "text/javascript; charset=utf-8"),
            "/assets/chart.js", load("chart.js", "text/javascript; charset=utf-8"),
            "/assets/shadow.js", load("shadow.js", "text/javascript; charset=utf-8"),
            "/assets/uPlot.iife.min.js", loadFrom(UPLOT, "uPlot.iife.min.js", "text/javascript; charset=utf-8"),
            "/assets/uPlot.min.css", loadFrom(UPLOT, "uPlot.min.css", "text/css; charset=utf-8"));

    /**
     * A public file, if the request names one.
     *
     * @return the file, or null
     */
    Asset publicAsset(String method, String path) {
        return method.equals("GET") ? publicAssets.get(path) : null;
    }

    /**
     * The page or one of its protected files, if the request names one (the caller checked the token).
     *
     * @return the file, or null
     */
    Asset protectedAsset(String method, String path) {
        if (!method.equals("GET")) {
            return null;
        }
        return isPage(path) ? page : privateAssets.get(path);
    }

    /**
     * The sign-in page: a token field whose script signs in once, after which the server keeps the
     * token in an {@code HttpOnly} cookie.
     *
     * @param stale true if the browser sent a cookie the server refused (its script says so)
     * @return the page
     */
    Asset signIn(boolean stale) {
        return stale ? staleSignIn : signIn;
    }

    /**
     * An answer carrying a file, with the page's security headers.
     *
     * @param status the HTTP status
     * @param asset the file
     * @return the answer
     */
    static AdminReply reply(int status, Asset asset) {
        return new AdminReply(status, asset.contentType(), asset.bytes(), SECURITY_HEADERS);
    }

    private static Asset stale(Asset signIn) {
        String html = new String(signIn.bytes(), StandardCharsets.UTF_8);
        if (!html.contains(BODY)) {
            throw new IllegalStateException(ROOT + "signin.html lost its " + BODY + " tag");
        }
        return new Asset(signIn.contentType(), html.replace(BODY, STALE_BODY).getBytes(StandardCharsets.UTF_8));
    }

    private static Asset load(String file, String contentType) {
        return loadFrom(ROOT, file, contentType);
    }

    private static Asset loadFrom(String root, String file, String contentType) {
        try (InputStream in = AdminPage.class.getResourceAsStream(root + file)) {
            if (in == null) {
                throw new IllegalStateException(root + file + " is missing from the server's classpath");
            }
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root + file + " from the server's classpath", e);
        }
    }
}
