package io.swivel.server.admin;

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
 * 0600, read by the CLI. Never logged. The admin page sends it back in the
 * {@value #COOKIE} cookie instead of the {@code Authorization} header.
 */
public final class AdminToken {

    /** The token file's name inside the data directory. */
    public static final String FILE_NAME = "admin.token";
    /** The cookie the admin page keeps the token in. */
    public static final String COOKIE = "swivel_token";

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
     * Checks the {@value #COOKIE} cookies of a request in constant time.
     *
     * @param cookieHeaders the values of the request's {@code Cookie} headers, or null
     * @return true if one of them carries {@code swivel_token=<this token>}
     */
    public boolean matchesCookie(List<String> cookieHeaders) {
        if (cookieHeaders == null) {
            return false;
        }
        boolean matched = false;
        for (String header : cookieHeaders) {
            for (String pair : header.split(";")) {
                int equals = pair.indexOf('=');
                if (equals > 0 && pair.substring(0, equals).trim().equals(COOKIE)) {
                    byte[] offered = pair.substring(equals + 1).trim().getBytes(StandardCharsets.UTF_8);
                    matched |= MessageDigest.isEqual(offered, token);
                }
            }
        }
        return matched;
    }

    @Override
    public String toString() {
        return "AdminToken[****]";
    }
}
