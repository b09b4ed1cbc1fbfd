package io.swivel.server.internal.announce;

import io.swivel.server.internal.deploy.Deployments;
import io.swivel.server.internal.dispatch.ServiceDirectory;
import io.swivel.server.internal.metrics.PrometheusServerMetrics;
import java.net.InetSocketAddress;

/** What a {@link ServerListener} may see of the server it announces. */
public interface RunningServer {

    /** @return which generation serves which service */
    ServiceDirectory directory();

    /** @return the bound {@code swivel/1} address, once bound; null before */
    InetSocketAddress rpcAddress();

    /** @return the bound admin address, once bound; null before */
    InetSocketAddress adminAddress();

    /** @return the deployment commands: status, rollback */
    Deployments deployments();

    /** @return the server's meters */
    PrometheusServerMetrics metrics();
}
