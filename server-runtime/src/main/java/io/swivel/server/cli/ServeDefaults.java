package io.swivel.server.cli;

import io.swivel.server.config.Limits;
import io.swivel.server.config.ServerConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The built-in defaults of {@code serve}'s options, read from {@link ServerConfig#defaults()}: one
 * source, so the command line, {@code --help} and a server built in code never disagree.
 */
final class ServeDefaults {

    private ServeDefaults() {
    }

    /** By option name without dashes, as {@code serve} parses them. */
    static Map<String, String> of(ServerConfig config) {
        Limits limits = config.limits();
        Map<String, String> values = new HashMap<>();
        values.put("deploy-dir", config.deployDir().toString());
        values.put("data-dir", config.dataDir().toString());
        values.put("port", String.valueOf(config.port()));
        values.put("admin-port", String.valueOf(config.adminPort()));
        values.put("bind", config.bind());
        values.put("drain-timeout", duration(config.drainTimeout()));
        values.put("step-timeout", duration(config.stepTimeout()));
        values.put("stalled-after", duration(config.stalledAfter()));
        values.put("probation", duration(config.probation()));
        values.put("probation-error-rate", String.valueOf(config.probationErrorRate()));
        values.put("canary-error-rate-slack", String.valueOf(config.canary().errorRateSlack()));
        values.put("canary-p99-factor", String.valueOf(config.canary().p99Factor()));
        values.put("canary-min-calls", String.valueOf(config.canary().minCalls()));
        values.put("canary-p99-floor", duration(config.canary().p99Floor()));
        values.put("history-limit", String.valueOf(config.historyLimit()));
        values.put("zookeeper", config.zookeeper());
        values.put("embedded-zk-port", String.valueOf(config.embeddedZkPort()));
        values.put("zk-session-timeout", duration(config.zkSessionTimeout()));
        values.put("weight", String.valueOf(config.announce().weight()));
        values.put("bundle-weights", config.announce().bundleWeights().entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue()).sorted().collect(java.util.stream.Collectors.joining(",")));
        values.put("warmup", duration(config.announce().warmup()));
        Boolean follow = config.announce().followCluster();
        values.put("follow-cluster", follow == null ? "auto" : follow.toString());
        values.put("maven-repository", config.announce().mavenRepository() != null ? config.announce().mavenRepository() : "");
        values.put("tls-provider", config.tls().provider().name().toLowerCase(java.util.Locale.ROOT));
        values.put("tls-reload-interval", duration(config.tls().reloadInterval()));
        values.put("admin-tls", String.valueOf(config.tls().admin()));
        values.put("max-connections", String.valueOf(limits.maxConnections()));
        values.put("max-connections-per-address", String.valueOf(limits.maxConnectionsPerAddress()));
        values.put("max-in-flight-per-connection", String.valueOf(limits.maxInFlightPerConnection()));
        values.put("write-buffer-limit", size(limits.writeBufferHighWater()));
        values.put("idle-timeout", duration(limits.idleTimeout()));
        values.put("frame-timeout", duration(limits.frameTimeout()));
        values.put("max-partial-frame-memory", size(limits.maxPartialFrameMemory()));
        values.put("max-decode-objects", String.valueOf(limits.maxDecodeObjects()));
        values.put("max-metadata-entries", String.valueOf(limits.maxMetadataEntries()));
        values.put("max-metadata-bytes", String.valueOf(limits.maxMetadataBytes()));
        values.put("admin-max-connections", String.valueOf(limits.adminMaxConnections()));
        values.put("admin-max-calls", String.valueOf(limits.adminMaxCalls()));
        values.put("admin-read-timeout", duration(limits.adminReadTimeout()));
        values.put("max-lib-bytes", size(limits.maxLibBytes()));
        values.put("max-lib-ratio", String.valueOf(limits.maxLibRatio()));
        values.put("deregister-timeout", duration(limits.deregisterTimeout()));
        values.put("max-upload-size", size(limits.maxUploadBytes()));
        values.put("upload-timeout", duration(limits.uploadTimeout()));
        values.put("admin-max-transfers", String.valueOf(limits.adminMaxTransfers()));
        values.put("admin-max-body-size", size(limits.adminMaxBodyBytes()));
        values.put("event-log-size", String.valueOf(limits.eventLogSize()));
        values.put("call-batch", String.valueOf(limits.callBatch()));
        values.put("body-form", config.bodyForm().setting());
        values.put("otlp-endpoint", config.tracing().otlpEndpoint() != null ? config.tracing().otlpEndpoint() : "");
        return Map.copyOf(values);
    }

    /** As {@link DurationConverter} reads it: {@code 5m} from five minutes on, else {@code 30s} or {@code 500ms}. */
    static String duration(Duration duration) {
        long millis = duration.toMillis();
        if (millis >= 300_000 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }

    /** As {@link SizeConverter} reads it: the largest binary unit that divides the size. */
    static String size(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        long[] factors = {1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes >= factors[i] && bytes % factors[i] == 0) {
                return bytes / factors[i] + units[i];
            }
        }
        return String.valueOf(bytes);
    }
}
