package io.swivel.server.internal.admin;

import io.swivel.server.internal.cluster.Registration;
import io.swivel.server.internal.deploy.EventLog;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /v1/events[?limit=N]}: the server's last events, newest first, and what the server
 * is: {@code {"server": {"version", "startedAt", "uptimeSeconds", "zookeeper": {"connectString",
 * "connected"}}, "events": [{"time", "type", "bundle", "version", "message"}, ...], "total", "kept"}}.
 * {@code limit} defaults to {@value #DEFAULT_LIMIT} and is at most the log's capacity ({@code --event-log-size}).
 */
final class EventsResource {

    static final String PATH = "/v1/events";
    static final int DEFAULT_LIMIT = 50;

    private final EventLog events;
    private final Supplier<Registration> registration;

    EventsResource(EventLog events, Supplier<Registration> registration) {
        this.events = events;
        this.registration = registration;
    }

    CallResource.Answer handle(AdminRequest request) {
        if (!request.method().equals("GET")) {
            return new CallResource.Answer(405, Map.of("status", "METHOD_NOT_ALLOWED", "message", "use GET " + PATH));
        }
        int limit;
        try {
            limit = limit(request.parameter("limit"));
        } catch (IllegalArgumentException e) {
            return new CallResource.Answer(400, Map.of("status", "BAD_REQUEST", "message", e.getMessage()));
        }
        List<EventLog.Event> latest = events.latest(limit);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("server", server());
        answer.put("events", latest.stream().map(EventsResource::event).toList());
        answer.put("total", events.total());
        answer.put("kept", events.capacity());
        return new CallResource.Answer(200, answer);
    }

    private int limit(String text) {
        int capacity = events.capacity();
        if (text == null) {
            return Math.min(DEFAULT_LIMIT, capacity);
        }
        String expected = "limit: " + text + " (expected: 1.." + capacity + ", the events kept: --event-log-size)";
        int limit;
        try {
            limit = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(expected, e);
        }
        if (limit < 1 || limit > capacity) {
            throw new IllegalArgumentException(expected);
        }
        return limit;
    }

    private Map<String, Object> server() {
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("version", ServerVersion.get());
        Instant started = events.startedAt();
        server.put("startedAt", started != null ? started.toString() : null);
        server.put("uptimeSeconds", events.uptime().toSeconds());
        Map<String, Object> zookeeper = new LinkedHashMap<>();
        Registration connected = registration.get();
        zookeeper.put("connectString", connected != null ? connected.connectString() : "none");
        zookeeper.put("connected", connected != null && connected.connected());
        server.put("zookeeper", zookeeper);
        return server;
    }

    private static Map<String, Object> event(EventLog.Event event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("time", event.time().toString());
        json.put("type", event.type());
        json.put("bundle", event.bundle());
        json.put("version", event.version());
        json.put("message", event.message());
        return json;
    }
}
