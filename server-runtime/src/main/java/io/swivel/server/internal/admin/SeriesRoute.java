package io.swivel.server.internal.admin;

import io.swivel.server.internal.deploy.Deployments;

/**
 * {@code GET /v1/bundles/{name}/series}: the admin page's chart of one bundle, {@code {"bundle",
 * "stepMillis", "now", "versions": [{"version", "role", "side": "old"|"new", "points": [{"startMillis",
 * "calls", "failures", "p99Micros"}]}], "events": [{"atMillis", "kind", "text"}]}}: the last 10
 * minutes, one point per 5 s per loaded version. 404 {@code NOT_FOUND} for a bundle that does not serve.
 */
final class SeriesRoute {

    static final String ACTION = "series";

    private final Deployments deployer;

    SeriesRoute(Deployments deployer) {
        this.deployer = deployer;
    }

    CallResource.Answer handle(String method, String bundle) {
        if (!method.equals("GET")) {
            return BundlesResource.error(405, "METHOD_NOT_ALLOWED", "use GET /v1/bundles/" + bundle + "/" + ACTION);
        }
        return deployer.series(bundle).<CallResource.Answer>map(chart -> new CallResource.Answer(200, chart))
                .orElseGet(() -> BundlesResource.error(404, "NOT_FOUND", "no bundle " + bundle + " serves here; bundles: "
                        + deployer.servingNames()));
    }
}
