package io.strait.translate.pilot;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.strait.model.istio.VirtualService.HttpDirectResponse;
import io.strait.model.istio.VirtualService.HttpRedirect;
import java.util.Base64;

/**
 * {@code redirect} and {@code directResponse}: routes that answer the request themselves instead of forwarding it.
 * Proxyless gRPC has no such answers (gRFC A28 supports only forwarding routes); Envoy proxies send them.
 */
final class NonForwardingActions {
    private NonForwardingActions() {
    }

    static RedirectAction redirect(HttpRedirect r) {
        RedirectAction.Builder b = RedirectAction.newBuilder();
        if (r.uri() != null && !r.uri().isEmpty()) {
            b.setPathRedirect(r.uri());
        }
        if (r.authority() != null && !r.authority().isEmpty()) {
            b.setHostRedirect(r.authority());
        }
        if (r.port() != null && r.port() > 0) {
            b.setPortRedirect(r.port());
        }
        if (r.scheme() != null && !r.scheme().isEmpty()) {
            b.setSchemeRedirect(r.scheme());
        }
        b.setResponseCode(code(r.redirectCode()));
        return b.build();
    }

    /** Istio's redirect codes; validation admits only these, and 301 is the default. */
    private static RedirectAction.RedirectResponseCode code(Integer code) {
        if (code == null) {
            return RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY;
        }
        return switch (code) {
            case 302 -> RedirectAction.RedirectResponseCode.FOUND;
            case 303 -> RedirectAction.RedirectResponseCode.SEE_OTHER;
            case 307 -> RedirectAction.RedirectResponseCode.TEMPORARY_REDIRECT;
            case 308 -> RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT;
            default -> RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY;
        };
    }

    static DirectResponseAction directResponse(HttpDirectResponse d) {
        DirectResponseAction.Builder b = DirectResponseAction.newBuilder().setStatus(d.status());
        if (d.body() != null && d.body().string() != null) {
            b.setBody(DataSource.newBuilder().setInlineString(d.body().string()));
        } else if (d.body() != null && d.body().bytes() != null) {
            b.setBody(DataSource.newBuilder().setInlineBytes(ByteString.copyFrom(Base64.getDecoder().decode(d.body().bytes()))));
        }
        return b.build();
    }
}
