package io.swivel.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** Talks to a running server's admin API for the CLI. */
final class AdminClient {

    private final String base;
    private final String token;
    private final HttpClient http;
    private final ObjectMapper mapper = new ObjectMapper();

    AdminClient(String host, int port, String token) {
        this(host, port, token, null);
    }

    /**
     * @param host the admin host
     * @param port the admin port
     * @param token the bearer token
     * @param trustRoots PEM certificates to trust for HTTPS (host name verified), or null for plain HTTP
     */
    AdminClient(String host, int port, String token, Path trustRoots) {
        this.base = (trustRoots != null ? "https://" : "http://") + host + ":" + port;
        this.token = token;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
        if (trustRoots != null) {
            builder.sslContext(trusting(trustRoots));
        }
        this.http = builder.build();
    }

    private static SSLContext trusting(Path trustRoots) {
        try (InputStream in = Files.newInputStream(trustRoots)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("root-" + i++, certificate);
            }
            if (i == 0) {
                throw new CliException("--tls-ca " + trustRoots + " holds no PEM certificate");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new CliException("cannot read the admin API's trust roots --tls-ca " + trustRoots + ": " + e.getMessage(), e);
        }
    }

    /** The answer of the server: HTTP status and JSON body. */
    record Reply(int status, JsonNode body) {

        /** @return the body of a 200; for any other status, a {@link CliException} with the server's message */
        JsonNode ok() {
            if (status != 200) {
                throw new CliException(body.path("message").asText("HTTP " + status));
            }
            return body;
        }
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Reply post(String path, Object body) {
        try {
            byte[] json = mapper.writeValueAsBytes(body);
            return send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json)));
        } catch (IOException e) {
            throw new CliException("cannot encode the request: " + e.getMessage(), e);
        }
    }

    /**
     * Streams a file to the server (never read whole into memory).
     *
     * @param path the route
     * @param file the file
     * @param headers more headers, name then value
     * @param timeout how long the whole exchange may take
     * @return the answer
     */
    Reply upload(String path, java.nio.file.Path file, Duration timeout, String... headers) {
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", "application/java-archive")
                    .POST(HttpRequest.BodyPublishers.ofFile(file));
        } catch (java.io.FileNotFoundException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request, timeout);
    }

    /**
     * Downloads a file the server streams (a bundle's jar), never more than {@code maxBytes}, the
     * whole exchange (headers and body) bounded by {@code timeout}: a server that stalls in the
     * middle of the body fails it at the deadline.
     *
     * @param path the route
     * @param target where to write it (replaced)
     * @param maxBytes the most bytes accepted
     * @param timeout how long the whole exchange may take
     * @return the HTTP status; the file holds the body only when it is 200
     */
    int download(String path, Path target, long maxBytes, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .timeout(timeout).GET().build();
        CompletableFuture<HttpResponse<Path>> exchange = http.sendAsync(request, info -> info.statusCode() == 200
                ? new LimitedBody(HttpResponse.BodySubscribers.ofFile(target, StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING), maxBytes)
                : HttpResponse.BodySubscribers.replacing(target));
        try {
            return exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS).statusCode();
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new CliException("cannot download " + path + " from " + base + ": not done within "
                    + timeout.toSeconds() + " s (--timeout)", e);
        } catch (ExecutionException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof LimitedBody.TooLarge) {
                    throw new CliException(base + path + " is larger than " + maxBytes + " bytes; not a jar to deploy", e);
                }
            }
            throw new CliException("cannot download " + path + " from " + base + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
    }

    /** A response body written on, refused once it is larger than a bound (the download is cancelled). */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<Path> {
        /** The body grew beyond the bound. */
        static final class TooLarge extends IOException {
            TooLarge() {
                super("the body is larger than the bound");
            }
        }

        private final HttpResponse.BodySubscriber<Path> file;
        private final long maxBytes;
        private Flow.Subscription subscription;
        private long total;
        private boolean refused;

        LimitedBody(HttpResponse.BodySubscriber<Path> file, long maxBytes) {
            this.file = file;
            this.maxBytes = maxBytes;
        }

        @Override
        public CompletionStage<Path> getBody() {
            return file.getBody();
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            file.onSubscribe(subscription);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (refused) {
                return; // signals in flight after the cancel
            }
            total += buffers.stream().mapToLong(ByteBuffer::remaining).sum();
            if (total > maxBytes) {
                refused = true;
                subscription.cancel();
                file.onError(new TooLarge());
                return;
            }
            file.onNext(buffers);
        }

        @Override
        public void onError(Throwable error) {
            if (!refused) {
                file.onError(error);
            }
        }

        @Override
        public void onComplete() {
            if (!refused) {
                file.onComplete();
            }
        }
    }

    /** @return where the server is, {@code http://host:port} */
    String base() {
        return base;
    }

    ObjectMapper mapper() {
        return mapper;
    }

    private Reply send(HttpRequest.Builder request) {
        return send(request, Duration.ofSeconds(60));
    }

    private Reply send(HttpRequest.Builder request, Duration timeout) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.header("Authorization", "Bearer " + token)
                    .timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new CliException("no Swivel server answers at " + base + "; is 'swivel serve' running? "
                    + "(use --host and --admin-port to point elsewhere)", e);
        } catch (HttpTimeoutException e) {
            throw new CliException("the server at " + base + " did not answer in time", e);
        } catch (SSLException e) {
            throw new CliException("TLS with the admin API at " + base + " failed: " + e.getMessage()
                    + (base.startsWith("https") ? "; does --tls-ca hold the authority that signed the server's certificate,"
                    + " and does the certificate name the host you gave (--host)?" : ""), e);
        } catch (IOException e) {
            throw new CliException("cannot reach the server at " + base + ": " + e + (base.startsWith("http:")
                    ? "; if it serves its admin API over HTTPS (--tls-cert), pass --tls-ca FILE" : ""), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
        if (response.statusCode() == 401) {
            throw new CliException("the server at " + base + " refused the admin token; "
                    + "pass --token or SWIVEL_TOKEN, or --data-dir of that server");
        }
        JsonNode body;
        try {
            body = response.body().length == 0 ? mapper.nullNode() : mapper.readTree(response.body());
        } catch (IOException e) {
            throw new CliException("the server at " + base + " answered HTTP " + response.statusCode()
                    + " with a body that is not JSON; is this a Swivel admin port?", e);
        }
        return new Reply(response.statusCode(), body);
    }
}
