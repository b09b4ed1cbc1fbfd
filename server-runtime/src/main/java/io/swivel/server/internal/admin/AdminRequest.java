package io.swivel.server.internal.admin;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;

/**
 * What the admin routes read of one request, copied out of Netty's buffers on the event loop so
 * that a route can run on another thread after the buffers are released.
 *
 * @param method the HTTP method
 * @param path the decoded path, without the query
 * @param authorization the {@code Authorization} header, or null
 * @param cookies the {@code Cookie} headers
 * @param csrf the {@value AdminServer#CSRF_HEADER} header, or null
 * @param accept the {@code Accept} header, or null
 * @param adminPort the admin port the request came in on (it names the token cookie)
 * @param body the body, at most {@code --admin-max-body-size} bytes
 * @param query the query parameters, decoded
 */
record AdminRequest(String method, String path, String authorization, List<String> cookies, String csrf,
                    String accept, int adminPort, byte[] body, Map<String, List<String>> query) {

    /**
     * Copies a request.
     *
     * @param request the aggregated request
     * @param adminPort the local port of its connection
     * @return the copy
     * @throws IllegalArgumentException if the URI cannot be decoded
     */
    static AdminRequest of(FullHttpRequest request, int adminPort) {
        HttpHeaders headers = request.headers();
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        return new AdminRequest(request.method().name(), path, headers.get(HttpHeaderNames.AUTHORIZATION),
                headers.getAll(HttpHeaderNames.COOKIE), headers.get(AdminServer.CSRF_HEADER),
                headers.get(HttpHeaderNames.ACCEPT), adminPort, ByteBufUtil.getBytes(request.content()),
                Map.copyOf(uri.parameters()));
    }

    /** @return true if the request may change something (anything but GET and HEAD) */
    boolean changes() {
        return !method.equals("GET") && !method.equals("HEAD");
    }

    /** @return true if it carries {@value AdminServer#CSRF_HEADER}{@code : 1} */
    boolean hasCsrfHeader() {
        return "1".equals(csrf);
    }

    /**
     * @param name a query parameter
     * @return its first value, or null
     */
    String parameter(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** @return the name of this admin port's token cookie */
    String cookieName() {
        return AdminToken.cookieName(adminPort);
    }
}
