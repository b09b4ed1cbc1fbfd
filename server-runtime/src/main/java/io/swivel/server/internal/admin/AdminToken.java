package io.swivel.server.internal.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The admin bearer token: created at first start in {@code <data-dir>/admin.token} with mode
 * 0600, read by the CLI. Never logged. The admin page's browser sends it back in the
 * {@code swivel_token_<admin port>} cookie ({@link #cookieName(int)}) that the server sets at
 * sign-in ({@code HttpOnly}: the page's script never reads it) instead of the
 * {@code Authorization} header.
 */
public final class AdminToken {

    /** The token file's name inside the data directory. */
    public static final String FILE_NAME = "admin.token";
    /** The start of the name of the cookie that keeps the token for the admin page; the admin port follows. */
    public static final String COOKIE_PREFIX = "swivel_token_";

    private final byte[] token;

    private AdminToken(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads the token of a data directory, creating it on first use.
     *
     * @param dataDir the data directory
     * @return the token
     * @throws IOException if the file cannot be read or created
     */
    public static AdminToken loadOrCreate(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String value = HexFormat.of().formatHex(random);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
            } catch (FileAlreadyExistsException raced) {
                // another process created it first; use theirs
            } catch (UnsupportedOperationException noPosix) {
                Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
            }
        }
        return new AdminToken(read(file));
    }

    /**
     * Reads a token file.
     *
     * @param file the file
     * @return the token text
     * @throws IOException if it cannot be read or is empty
     */
    public static String read(Path file) throws IOException {
        String value = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (value.isEmpty()) {
            throw new IOException(file + " is empty; delete it and restart the server to create a new token");
        }
        return value;
    }

    /**
     * Checks an {@code Authorization} header in constant time.
     *
     * @param authorization the header value, or null
     * @return true if it is {@code Bearer <this token>}
     */
    public boolean matches(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        byte[] offered = authorization.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(offered, token);
    }

    /**
     * The {@code Authorization} header that presents this token to a peer sharing it (a following
     * server fetching a jar through {@code GET /v1/bundles/{name}/jar}). Never log it, never write
     * it to ZooKeeper.
     *
     * @return {@code Bearer <token>}
     */
    public String authorization() {
        return "Bearer " + new String(token, StandardCharsets.UTF_8);
    }

    /**
     * The name of the token cookie of the admin API on a port. Browsers send a host's cookies to
     * every port of it, so the port in the name keeps the servers of one host apart.
     *
     * @param adminPort the bound admin port
     * @return {@code swivel_token_<adminPort>}
     */
    public static String cookieName(int adminPort) {
        return COOKIE_PREFIX + adminPort;
    }

    /**
     * Checks the cookies of a request in constant time.
     *
     * @param cookieName the cookie that carries the token, see {@link #cookieName(int)}
     * @param cookieHeaders the values of the request's {@code Cookie} headers, or null
     * @return true if one of them carries {@code <cookieName>=<this token>}
     */
    public boolean matchesCookie(String cookieName, List<String> cookieHeaders) {
        if (cookieHeaders == null) {
            return false;
        }
        boolean matched = false;
        for (String header : cookieHeaders) {
            for (String pair : header.split(";")) {
                int equals = pair.indexOf('=');
                if (equals > 0 && pair.substring(0, equals).trim().equals(cookieName)) {
                    byte[] offered = pair.substring(equals + 1).trim().getBytes(StandardCharsets.UTF_8);
                    matched |= MessageDigest.isEqual(offered, token);
                }
            }
        }
        return matched;
    }

    /**
     * Whether a request carries a cookie of that name at all, right or wrong.
     *
     * @param cookieName the cookie
     * @param cookieHeaders the values of the request's {@code Cookie} headers, or null
     * @return true if one of them names it
     */
    static boolean hasCookie(String cookieName, List<String> cookieHeaders) {
        if (cookieHeaders == null) {
            return false;
        }
        for (String header : cookieHeaders) {
            for (String pair : header.split(";")) {
                int equals = pair.indexOf('=');
                if (equals > 0 && pair.substring(0, equals).trim().equals(cookieName)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The {@code Set-Cookie} value that keeps this token in the browser for this session:
     * {@code HttpOnly} (no script reads it), {@code SameSite=Strict} (no other site's page or
     * link sends it), for every path of this server.
     *
     * @param cookieName the cookie, see {@link #cookieName(int)}
     * @return the header value
     */
    String setCookie(String cookieName) {
        return cookieName + "=" + new String(token, StandardCharsets.UTF_8) + "; Path=/; HttpOnly; SameSite=Strict";
    }

    /**
     * The {@code Set-Cookie} value that makes the browser forget the cookie.
     *
     * @param cookieName the cookie
     * @return the header value
     */
    static String clearCookie(String cookieName) {
        return cookieName + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict";
    }

    @Override
    public String toString() {
        return "AdminToken[****]";
    }
}
