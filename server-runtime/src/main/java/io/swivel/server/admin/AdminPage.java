package io.swivel.server.admin;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The admin web page: static files shipped in the server jar (no CDN, no build step), read once.
 * {@code /} is the page, {@code /assets/app.js} its script; both need the token. The sign-in
 * page (answered with 401 instead of the page) and its script and the style sheet are public:
 * they hold no data.
 */
final class AdminPage {

    /** The paths that answer the page itself. */
    static boolean isPage(String path) {
        return path.equals("/") || path.equals("/index.html");
    }

    private static final String ROOT = "/io/swivel/server/admin/page/";
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private record Asset(String contentType, byte[] bytes) {
    }

    private final Asset page = load("index.html", "text/html; charset=utf-8");
    private final Asset signIn = load("signin.html", "text/html; charset=utf-8");
    private final Map<String, Asset> publicAssets = Map.of(
            "/assets/signin.js", load("signin.js", "text/javascript; charset=utf-8"),
            "/assets/swivel.css", load("swivel.css", "text/css; charset=utf-8"));
    private final Map<String, Asset> privateAssets = Map.of(
            "/assets/app.js", load("app.js", "text/javascript; charset=utf-8"));

    /**
     * Answers a public file, if the path names one.
     *
     * @return true if answered
     */
    boolean servePublic(HttpExchange exchange, String method, String path) throws IOException {
        Asset asset = publicAssets.get(path);
        if (asset == null || !method.equals("GET")) {
            return false;
        }
        send(exchange, 200, asset);
        return true;
    }

    /**
     * Answers the page or one of its protected files, if the path names one (the caller checked
     * the token).
     *
     * @return true if answered
     */
    boolean serveProtected(HttpExchange exchange, String method, String path) throws IOException {
        Asset asset = isPage(path) ? page : privateAssets.get(path);
        if (asset == null || !method.equals("GET")) {
            return false;
        }
        send(exchange, 200, asset);
        return true;
    }

    /** Answers 401 with the sign-in page: a token field whose script keeps the token in a cookie. */
    void signIn(HttpExchange exchange) throws IOException {
        send(exchange, 401, signIn);
    }

    private static void send(HttpExchange exchange, int status, Asset asset) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", asset.contentType());
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Content-Security-Policy", CSP);
        exchange.sendResponseHeaders(status, asset.bytes().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(asset.bytes());
        }
    }

    private static Asset load(String file, String contentType) {
        try (InputStream in = AdminPage.class.getResourceAsStream(ROOT + file)) {
            if (in == null) {
                throw new IllegalStateException(ROOT + file + " is missing from the server jar");
            }
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ROOT + file + " from the server jar", e);
        }
    }
}
