package io.strait.translate.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.pgv.validate.Validate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Envoy's own field constraints — the {@code validate.rules} annotations of its protos — checked on a resource
 * before it leaves the translator. A violation is a translator bug: it must fail loudly here, never as a NACK at a
 * proxy. Typed configs inside {@code Any} (connection manager, HTTP filters) are unpacked and checked too.
 */
public final class EnvoyConstraints {
    /** Types that travel inside {@code Any} in Strait's output, so their constraints are checked too. */
    private static final Map<String, Message> PACKED = Map.ofEntries(
            packed(HttpConnectionManager.getDefaultInstance()), packed(Router.getDefaultInstance()),
            packed(HTTPFault.getDefaultInstance()),
            // transport sockets and network filters: the mTLS contexts must meet Envoy's rules too
            packed(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext.getDefaultInstance()),
            packed(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.getDefaultInstance()),
            packed(io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer.getDefaultInstance()),
            packed(io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.getDefaultInstance()),
            packed(io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector.getDefaultInstance()),
            // authorization: RBAC and ext_authz filters, HTTP and network, and the URI templates RBAC rules hold
            packed(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.getDefaultInstance()),
            packed(io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC.getDefaultInstance()),
            packed(io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz.getDefaultInstance()),
            packed(io.envoyproxy.envoy.extensions.filters.network.ext_authz.v3.ExtAuthz.getDefaultInstance()),
            packed(io.envoyproxy.envoy.extensions.path.match.uri_template.v3.UriTemplateMatchConfig.getDefaultInstance()),
            // authentication: the JWT filter (RequestAuthentication)
            packed(io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication.getDefaultInstance()));

    private EnvoyConstraints() {
    }

    private static Map.Entry<String, Message> packed(Message type) {
        return Map.entry("type.googleapis.com/" + type.getDescriptorForType().getFullName(), type);
    }

    /** Every violation in the resource, as {@code path: rule}; empty when it is valid. */
    public static List<String> violations(Message resource) {
        return violations(resource, null);
    }

    /**
     * Every violation in the resource; {@code clean}, when given, holds (by identity) messages already found to have
     * none, which are not walked again, and gains those found clean here. The resources of one revision share most of
     * their parts (50 route configurations of the same 1,000 virtual hosts), so each part is walked once.
     */
    public static List<String> violations(Message resource, java.util.Set<Message> clean) {
        List<String> out = new ArrayList<>();
        check(resource, resource.getDescriptorForType().getName(), out, clean);
        return out;
    }

    private static void check(Message m, String path, List<String> out, java.util.Set<Message> clean) {
        for (OneofDescriptor oneof : m.getDescriptorForType().getOneofs()) {
            if (oneof.getOptions().getExtension(Validate.required) && !m.hasOneof(oneof)) {
                out.add(path + "." + oneof.getName() + ": one of its fields is required");
            }
        }
        for (FieldDescriptor f : m.getDescriptorForType().getFields()) {
            String p = path + "." + f.getName();
            Validate.FieldRules rules = f.getOptions().getExtension(Validate.rules);
            if (f.isMapField()) {
                int pairs = m.getRepeatedFieldCount(f);
                if (rules.hasMap() && rules.getMap().getMinPairs() > pairs) {
                    out.add(p + ": at least " + rules.getMap().getMinPairs() + " entries required");
                }
                continue;
            }
            if (f.isRepeated()) {
                int n = m.getRepeatedFieldCount(f);
                if (rules.hasRepeated()) {
                    Validate.RepeatedRules r = rules.getRepeated();
                    if (r.hasMinItems() && n < r.getMinItems()) {
                        out.add(p + ": at least " + r.getMinItems() + " items required, found " + n);
                    }
                    if (r.hasMaxItems() && n > r.getMaxItems()) {
                        out.add(p + ": at most " + r.getMaxItems() + " items allowed, found " + n);
                    }
                }
                for (int i = 0; i < n; i++) {
                    Object v = m.getRepeatedField(f, i);
                    String pi = p + "[" + i + "]";
                    if (rules.hasRepeated() && rules.getRepeated().hasItems()) {
                        value(f, v, rules.getRepeated().getItems(), pi, out);
                    }
                    if (v instanceof Message child) {
                        nested(child, pi, out, clean);
                    }
                }
                continue;
            }
            boolean present = f.hasPresence() ? m.hasField(f) : !m.getField(f).equals(f.getDefaultValue());
            if (!present && f.getRealContainingOneof() != null) {
                continue; // a oneof member's rules apply only to the member that is set
            }
            if (rules.hasMessage() && rules.getMessage().getRequired() && !present && !rootsFromProvider(m, f)) {
                out.add(p + ": required");
            }
            if (!present && f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                if ((rules.hasDuration() && rules.getDuration().getRequired()) || (rules.hasAny() && rules.getAny().getRequired())) {
                    out.add(p + ": required");
                }
                continue;
            }
            Object v = m.getField(f);
            if (present || !f.hasPresence()) {
                value(f, v, rules, p, out);
            }
            if (present && v instanceof Message child) {
                nested(child, p, out, clean);
            }
        }
    }

    /**
     * The one rule proxyless gRPC output breaks on purpose: gRPC takes the roots of a combined validation context
     * from a certificate provider instance (gRFC A29), never by SDS, which Envoy's proto requires; Istio's gRPC
     * generator sends the same and grpc-xds accepts it. Exempt exactly that: the SDS config is missing because the
     * deprecated provider-instance field of the same message names the roots.
     */
    private static boolean rootsFromProvider(Message m, FieldDescriptor f) {
        if (!f.getName().equals("validation_context_sds_secret_config")) {
            return false;
        }
        FieldDescriptor provider = m.getDescriptorForType().findFieldByName("validation_context_certificate_provider_instance");
        return provider != null && m.hasField(provider);
    }

    private static void nested(Message child, String path, List<String> out, java.util.Set<Message> clean) {
        if (clean == null) {
            walk(child, path, out, null);
            return;
        }
        if (clean.contains(child)) {
            return;
        }
        int before = out.size();
        walk(child, path, out, clean);
        if (out.size() == before) {
            clean.add(child);
        }
    }

    private static void walk(Message child, String path, List<String> out, java.util.Set<Message> clean) {
        if (child instanceof Any any) {
            Message type = PACKED.get(any.getTypeUrl());
            if (type != null) {
                try {
                    check(type.getParserForType().parseFrom(any.getValue()), path + "<" + type.getDescriptorForType().getName() + ">", out, clean);
                } catch (InvalidProtocolBufferException e) {
                    out.add(path + ": cannot unpack " + any.getTypeUrl());
                }
            }
            return;
        }
        check(child, path, out, clean);
    }

    /** Scalar, string, enum, duration and wrapper rules of one value. */
    private static void value(FieldDescriptor f, Object v, Validate.FieldRules rules, String p, List<String> out) {
        if (rules.hasString() && v instanceof String s) {
            Validate.StringRules r = rules.getString();
            if (r.hasMinLen() && s.codePointCount(0, s.length()) < r.getMinLen()) {
                out.add(p + ": at least " + r.getMinLen() + " characters required");
            }
            if (r.hasMinBytes() && s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < r.getMinBytes()) {
                out.add(p + ": at least " + r.getMinBytes() + " bytes required");
            }
            if (r.hasMaxLen() && s.codePointCount(0, s.length()) > r.getMaxLen()) {
                out.add(p + ": at most " + r.getMaxLen() + " characters allowed");
            }
            if (r.hasMaxBytes() && s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > r.getMaxBytes()) {
                out.add(p + ": at most " + r.getMaxBytes() + " bytes allowed");
            }
            if (r.hasPrefix() && !s.startsWith(r.getPrefix())) {
                out.add(p + ": must start with " + r.getPrefix());
            }
            if (r.hasPattern() && !Pattern.compile(r.getPattern()).matcher(s).find()) {
                out.add(p + ": must match " + r.getPattern());
            }
            if (r.hasWellKnownRegex() && s.chars().anyMatch(c -> c == 0 || c == '\r' || c == '\n')) {
                out.add(p + ": must not contain NUL, CR or LF");
            }
        }
        Double number = number(f, v);
        if (number != null) {
            bounds(rules, number, p, out);
        }
        if (rules.hasEnum() && rules.getEnum().getDefinedOnly() && v instanceof EnumValueDescriptor e && e.getIndex() < 0) {
            out.add(p + ": undefined enum value " + e.getNumber());
        }
        if (rules.hasDuration() && v instanceof Duration d) {
            Validate.DurationRules r = rules.getDuration();
            long nanos = d.getSeconds() * 1_000_000_000L + d.getNanos();
            if (r.hasGt() && nanos <= nanos(r.getGt())) {
                out.add(p + ": must be greater than " + r.getGt().getSeconds() + "s");
            }
            if (r.hasGte() && nanos < nanos(r.getGte())) {
                out.add(p + ": must be at least " + r.getGte().getSeconds() + "s");
            }
            if (r.hasLt() && nanos >= nanos(r.getLt())) {
                out.add(p + ": must be less than " + r.getLt().getSeconds() + "s");
            }
        }
    }

    private static void bounds(Validate.FieldRules rules, double v, String p, List<String> out) {
        Double gt = null;
        Double gte = null;
        Double lt = null;
        Double lte = null;
        if (rules.hasUint32()) {
            var r = rules.getUint32();
            gt = r.hasGt() ? (double) Integer.toUnsignedLong(r.getGt()) : null;
            gte = r.hasGte() ? (double) Integer.toUnsignedLong(r.getGte()) : null;
            lt = r.hasLt() ? (double) Integer.toUnsignedLong(r.getLt()) : null;
            lte = r.hasLte() ? (double) Integer.toUnsignedLong(r.getLte()) : null;
        } else if (rules.hasInt32()) {
            var r = rules.getInt32();
            gt = r.hasGt() ? (double) r.getGt() : null;
            gte = r.hasGte() ? (double) r.getGte() : null;
            lt = r.hasLt() ? (double) r.getLt() : null;
            lte = r.hasLte() ? (double) r.getLte() : null;
        } else if (rules.hasUint64()) {
            var r = rules.getUint64();
            gt = r.hasGt() ? (double) r.getGt() : null;
            gte = r.hasGte() ? (double) r.getGte() : null;
            lt = r.hasLt() ? (double) r.getLt() : null;
            lte = r.hasLte() ? (double) r.getLte() : null;
        } else if (rules.hasDouble()) {
            var r = rules.getDouble();
            gt = r.hasGt() ? r.getGt() : null;
            gte = r.hasGte() ? r.getGte() : null;
            lt = r.hasLt() ? r.getLt() : null;
            lte = r.hasLte() ? r.getLte() : null;
        }
        if (gt != null && !(v > gt)) {
            out.add(p + ": must be greater than " + gt);
        }
        if (gte != null && !(v >= gte)) {
            out.add(p + ": must be at least " + gte);
        }
        if (lt != null && !(v < lt)) {
            out.add(p + ": must be less than " + lt);
        }
        if (lte != null && !(v <= lte)) {
            out.add(p + ": must be at most " + lte);
        }
    }

    /** The numeric value of a scalar or of a numeric wrapper message ({@code UInt32Value} …), or null. */
    private static Double number(FieldDescriptor f, Object v) {
        if (v instanceof Message m) {
            FieldDescriptor inner = m.getDescriptorForType().getFile().getPackage().equals("google.protobuf")
                    ? m.getDescriptorForType().findFieldByName("value") : null;
            return inner == null ? null : number(inner, m.getField(inner));
        }
        boolean unsigned = f.getType() == FieldDescriptor.Type.UINT32 || f.getType() == FieldDescriptor.Type.FIXED32;
        if (v instanceof Integer i) {
            return unsigned ? (double) Integer.toUnsignedLong(i) : (double) i;
        }
        if (v instanceof Long l) {
            return (double) l;
        }
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof Float x) {
            return (double) x;
        }
        return null;
    }

    private static long nanos(Duration d) {
        return d.getSeconds() * 1_000_000_000L + d.getNanos();
    }
}
