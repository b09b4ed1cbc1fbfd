package io.swivel.server.internal.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.swivel.server.config.Tls;
import io.swivel.server.internal.Threads;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS: Netty {@link SslContext}s built from the configured PEM files, one for the
 * {@code swivel/1} port (asking for a client certificate signed by {@code --tls-client-ca} when
 * one is set) and one for the admin API (no client certificate: the admin token authenticates).
 *
 * <p>The files are read again every {@code reloadInterval} on a thread of its own; when their
 * bytes changed, new contexts are built from those bytes and swapped in whole (one volatile
 * reference), so new connections use the new certificate and existing ones keep theirs. Files
 * that do not make a context (a half-written key, a key that does not match) are reported once
 * and the previous contexts keep serving.
 */
public final class ServerTls implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    /** Both contexts built from one reading of the files. */
    private record Generation(TlsMaterial material, SslContext rpc, SslContext admin, X509Certificate leaf) {
    }

    private final Tls settings;
    private final SslProvider provider;
    private final ScheduledExecutorService reloader;
    private volatile Generation current;
    /** The fingerprint of files that failed to build, so they are reported once; reloader thread only. */
    private String failedFingerprint;

    private ServerTls(Tls settings, SslProvider provider, Generation first) {
        this.settings = settings;
        this.provider = provider;
        this.current = first;
        this.reloader = Executors.newSingleThreadScheduledExecutor(Threads.daemon("swivel-tls-reload"));
        long every = settings.reloadInterval().toMillis();
        reloader.scheduleWithFixedDelay(this::reload, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Reads the files, builds the first contexts and starts watching the files.
     *
     * @param settings TLS settings, enabled
     * @return the server's TLS
     * @throws IOException if the files cannot be read or do not make a TLS context
     */
    public static ServerTls start(Tls settings) throws IOException {
        SslProvider provider = provider(settings.provider());
        TlsMaterial material = TlsMaterial.read(settings);
        Generation first = build(settings, provider, material);
        ServerTls tls = new ServerTls(settings, provider, first);
        log.info("TLS with {} ({}); certificate {}; {}; files checked for changes every {} ms", providerName(provider),
                describeProvider(provider), describe(first.leaf()), settings.mutual()
                        ? "client certificates required, signed by " + settings.clientCaFile().toAbsolutePath().normalize()
                        : "no client certificate asked", settings.reloadInterval().toMillis());
        return tls;
    }

    /**
     * The provider a setting chooses on this machine.
     *
     * @param wanted the setting
     * @return OpenSSL or the JDK's
     * @throws IOException if OpenSSL is demanded and does not load here
     */
    static SslProvider provider(Tls.Provider wanted) throws IOException {
        return switch (wanted) {
            case JDK -> SslProvider.JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new IOException("--tls-provider openssl: netty-tcnative's OpenSSL does not load on this machine ("
                            + OpenSsl.unavailabilityCause() + "); use --tls-provider jdk or auto", OpenSsl.unavailabilityCause());
                }
                yield SslProvider.OPENSSL;
            }
            case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        };
    }

    private static String providerName(SslProvider provider) {
        return provider == SslProvider.JDK ? "the JDK's TLS" : "OpenSSL";
    }

    private static String describeProvider(SslProvider provider) {
        if (provider == SslProvider.JDK) {
            return OpenSsl.isAvailable() ? "chosen by --tls-provider" : "OpenSSL does not load here: "
                    + OpenSsl.unavailabilityCause();
        }
        return OpenSsl.versionString();
    }

    private static Generation build(Tls settings, SslProvider provider, TlsMaterial material) throws IOException {
        try {
            X509Certificate leaf = material.leaf();
            material.checkKeyMatches(leaf);
            SslContextBuilder rpc = SslContextBuilder.forServer(new ByteArrayInputStream(material.certificate()),
                    new ByteArrayInputStream(material.key())).sslProvider(provider);
            if (settings.mutual()) {
                rpc.trustManager(ClientCertificateTrust.of(material.clientCa(), settings.clientCaFile(),
                        provider != SslProvider.JDK)).clientAuth(ClientAuth.REQUIRE);
            }
            SslContext admin = SslContextBuilder.forServer(new ByteArrayInputStream(material.certificate()),
                    new ByteArrayInputStream(material.key())).sslProvider(provider).build();
            return new Generation(material, rpc.build(), admin, leaf);
        } catch (SSLException | java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("the TLS files do not make a TLS context (--tls-cert "
                    + settings.certFile().toAbsolutePath().normalize() + ", --tls-key "
                    + settings.keyFile().toAbsolutePath().normalize()
                    + (settings.mutual() ? ", --tls-client-ca " + settings.clientCaFile().toAbsolutePath().normalize() : "")
                    + "): " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
    }

    private static String describe(X509Certificate leaf) {
        return "'" + leaf.getSubjectX500Principal().getName() + "' serial " + leaf.getSerialNumber().toString(16)
                + " valid until " + leaf.getNotAfter().toInstant();
    }

    /** One check of the files (the reloader thread). */
    void reload() {
        try {
            TlsMaterial material = TlsMaterial.read(settings);
            Generation before = current;
            if (material.equals(before.material()) || material.fingerprint().equals(failedFingerprint)) {
                return;
            }
            Generation next;
            try {
                next = build(settings, provider, material);
            } catch (IOException e) {
                failedFingerprint = material.fingerprint();
                log.warn("TLS files changed but {}; new connections keep the certificate {}; checked again every {} ms",
                        e.getMessage(), describe(before.leaf()), settings.reloadInterval().toMillis(), e);
                return;
            }
            failedFingerprint = null;
            current = next;
            log.info("TLS files changed: new connections get certificate {} (was {}){}; open connections keep theirs",
                    describe(next.leaf()), describe(before.leaf()),
                    next.leaf().getNotAfter().toInstant().isBefore(Instant.now()) ? " - WARNING: it has expired" : "");
        } catch (IOException | RuntimeException e) {
            log.warn("cannot check the TLS files for changes: {}; the certificate in use stays", e.toString(), e);
        }
    }

    /**
     * A handler for a new {@code swivel/1} connection, from the newest context.
     *
     * @param alloc the channel's allocator
     * @return the TLS handler, first in the pipeline
     */
    public SslHandler newRpcHandler(ByteBufAllocator alloc) {
        return current.rpc().newHandler(alloc);
    }

    /**
     * A handler for a new admin connection, from the newest context.
     *
     * @param alloc the channel's allocator
     * @return the TLS handler, first in the pipeline
     */
    public SslHandler newAdminHandler(ByteBufAllocator alloc) {
        return current.admin().newHandler(alloc);
    }

    /** @return the certificate new connections get */
    public X509Certificate certificate() {
        return current.leaf();
    }

    /** @return "OpenSSL" or "JDK" */
    public String providerName() {
        return provider == SslProvider.JDK ? "JDK" : "OpenSSL";
    }

    /** @return the settings */
    public Tls settings() {
        return settings;
    }

    /** Stops watching the files; handlers made already keep working. Idempotent. */
    @Override
    public void close() {
        reloader.shutdownNow();
    }
}
