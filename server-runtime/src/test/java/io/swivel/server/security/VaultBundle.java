package io.swivel.server.security;

import io.swivel.testing.JarBuilder;
import io.swivel.testing.JavaSources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Builds the security test bundle: bundle {@value #BUNDLE} serving {@link Vault}, with its own
 * copies of {@link Vault}, {@link Parcel} and {@link Envelope}, and a canary class
 * ({@value #CANARY}) that only the bundle's classloader can find and that no service mentions;
 * its static initializer sets the system property {@value #CANARY_INITIALIZED}.
 */
final class VaultBundle {

    static final String BUNDLE = "vault";
    static final String SERVICE = Vault.class.getName();
    static final String CANARY = "io.swivel.server.security.impl.BundleCanary";
    static final String CANARY_INITIALIZED = "swivel.security.bundleCanary";

    private VaultBundle() {
    }

    static Path build(Path work, Path jar) {
        String pkg = "io.swivel.server.security.impl";
        String service = """
                package %s;

                import io.swivel.api.RpcService;
                import io.swivel.server.security.Envelope;
                import io.swivel.server.security.Parcel;
                import io.swivel.server.security.Vault;
                import java.util.List;
                import java.util.Map;

                @RpcService
                public class VaultService implements Vault {
                    public String echo(String text) {
                        return "echo:" + text;
                    }

                    public String parcel(Parcel parcel) {
                        return parcel == null ? "null" : parcel.summary();
                    }

                    public String envelope(Envelope envelope) {
                        return envelope == null ? "null" : envelope.summary();
                    }

                    public int count(List<?> items) {
                        return items == null ? -1 : items.size();
                    }

                    public int size(Map<?, ?> entries) {
                        return entries == null ? -1 : entries.size();
                    }

                    public long sum(int[] numbers) {
                        long sum = 0;
                        for (int n : numbers) {
                            sum += n;
                        }
                        return sum;
                    }

                    public int depth(List<Object> nested) {
                        int depth = 0;
                        Object at = nested;
                        while (at instanceof List<?> list) {
                            depth++;
                            at = list.isEmpty() ? null : list.get(0);
                        }
                        return depth;
                    }
                }
                """.formatted(pkg);
        String canary = """
                package %s;

                public class BundleCanary {
                    static {
                        System.setProperty("%s", "true");
                    }

                    public String payload;
                }
                """.formatted(pkg, CANARY_INITIALIZED);
        try {
            Path classes = work.resolve("vault-classes");
            JavaSources.compile(classes, Map.of(pkg + ".VaultService", service, CANARY, canary), List.of());
            Files.createDirectories(jar.getParent());
            JarBuilder builder = new JarBuilder().bundle(BUNDLE, "1.0.0").addTree(classes);
            for (Class<?> api : List.of(Vault.class, Parcel.class, Envelope.class)) {
                String entry = api.getName().replace('.', '/') + ".class";
                builder.add(entry, Path.of(api.getResource(api.getSimpleName() + ".class").toURI()));
            }
            return builder.write(jar);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
