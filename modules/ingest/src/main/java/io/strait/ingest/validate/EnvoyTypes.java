package io.strait.ingest.validate;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import udpa.annotations.Status;

/**
 * The Envoy message types an EnvoyFilter patch value is read as: the object class of each {@code applyTo}
 * (Istio's {@code xds.BuildXDSObjectFromStruct}) and a {@link JsonFormat.TypeRegistry} resolving the {@code @type}
 * of every {@code Any} in it, as istiod's linked-in Go types resolve them.
 *
 * <p>Java has no global registry of generated types, so the registry is built from the file descriptors of
 * java-control-plane's api jar: every generated outer class ({@code *Proto}) of the jar and the files they import.
 * That loads some 600 generated classes (about 4 s on this project's 2-core machine), so it is built once, when the
 * first EnvoyFilter with a patch value is validated ({@link #shared()}), and never for a revision without one.
 *
 * <p>The jar also carries Envoy's v2 API, which istiod no longer links: its packages are left out, so a v2
 * {@code @type} fails to resolve as it does in Istio (with Istio's v3 hint).
 */
final class EnvoyTypes {
    /** A package of Envoy's v2 API: a version segment v2, v2alpha, v2alpha1, v2beta1 (envoy.api.v2, envoy.config.filter.http.fault.v2). */
    private static final Pattern V2_PACKAGE = Pattern.compile("^envoy\\..*\\.v2(alpha\\d*|beta\\d*)?(\\..*)?$");

    private static final Map<String, Descriptor> BY_APPLY_TO = Map.ofEntries(
            Map.entry("CLUSTER", Cluster.getDescriptor()),
            Map.entry("LISTENER", Listener.getDescriptor()),
            Map.entry("ROUTE_CONFIGURATION", RouteConfiguration.getDescriptor()),
            Map.entry("FILTER_CHAIN", FilterChain.getDescriptor()),
            Map.entry("HTTP_FILTER", HttpFilter.getDescriptor()),
            Map.entry("NETWORK_FILTER", Filter.getDescriptor()),
            Map.entry("VIRTUAL_HOST", VirtualHost.getDescriptor()),
            Map.entry("HTTP_ROUTE", Route.getDescriptor()),
            Map.entry("EXTENSION_CONFIG", TypedExtensionConfig.getDescriptor()),
            Map.entry("BOOTSTRAP", Bootstrap.getDescriptor()),
            Map.entry("LISTENER_FILTER", ListenerFilter.getDescriptor()));

    private final JsonFormat.TypeRegistry registry;
    private final long buildMillis;

    private EnvoyTypes(JsonFormat.TypeRegistry registry, long buildMillis) {
        this.registry = registry;
        this.buildMillis = buildMillis;
    }

    /** The registry of the api jar on the classpath, built on first use and kept for the process. */
    static EnvoyTypes shared() {
        return Holder.TYPES;
    }

    /** Initialization-on-demand: the JVM builds it once, on the first call of {@link #shared()}. */
    private static final class Holder {
        static final EnvoyTypes TYPES = load();
    }

    /** Builds the registry from the api jar's generated files, less the v2 API. */
    static EnvoyTypes load() {
        long start = System.nanoTime();
        Set<FileDescriptor> files = new LinkedHashSet<>();
        for (FileDescriptor root : BY_APPLY_TO.values().stream().map(Descriptor::getFile).toList()) {
            files.add(root);
        }
        files.add(com.google.protobuf.Empty.getDescriptor().getFile()); // what an Any of Istio's own types is read as
        files.addAll(outerClassFiles());
        JsonFormat.TypeRegistry.Builder builder = JsonFormat.TypeRegistry.newBuilder();
        Deque<FileDescriptor> queue = new ArrayDeque<>(files);
        Set<String> seen = new LinkedHashSet<>();
        while (!queue.isEmpty()) {
            FileDescriptor file = queue.pop();
            if (!seen.add(file.getName())) {
                continue;
            }
            if (V2_PACKAGE.matcher(file.getPackage()).matches()) {
                continue; // the builder would add the file's imports too; v3 files import no v2 one
            }
            file.getMessageTypes().forEach(builder::add);
            queue.addAll(file.getDependencies());
        }
        return new EnvoyTypes(builder.build(), (System.nanoTime() - start) / 1_000_000);
    }

    /** The Envoy message an {@code applyTo} patches, or null for one Istio does not know. */
    Descriptor objectType(String applyTo) {
        return BY_APPLY_TO.get(applyTo);
    }

    /** The message named by an Any's type URL (the name after its last '/', as Go's FindMessageByURL), or null. */
    Descriptor byTypeUrl(String typeUrl) {
        return registry.find(typeUrl.substring(typeUrl.lastIndexOf('/') + 1));
    }

    JsonFormat.TypeRegistry registry() {
        return registry;
    }

    /** How long {@link #load()} took, for the log and the doc. */
    long buildMillis() {
        return buildMillis;
    }

    /** Whether the file of a message is marked {@code (udpa.annotations.file_status).package_version_status = FROZEN}. */
    static boolean frozen(Descriptor type) {
        var options = type.getFile().getOptions();
        return options.hasExtension(Status.fileStatus)
                && options.getExtension(Status.fileStatus).getPackageVersionStatus() == Status.PackageVersionStatus.FROZEN;
    }

    /**
     * The file descriptors of the api jar's generated outer classes, found by listing the jar (the jar of
     * {@link Cluster}). Envoy's outer classes are named {@code <File>Proto}; a file that is not is reached as
     * another's import. A jar that cannot be listed leaves the applyTo roots and their imports.
     */
    private static List<FileDescriptor> outerClassFiles() {
        File jar;
        try {
            jar = new File(Cluster.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return List.of();
        }
        if (!jar.isFile()) {
            return List.of();
        }
        ClassLoader loader = Cluster.class.getClassLoader();
        List<FileDescriptor> out = new java.util.ArrayList<>();
        try (JarFile in = new JarFile(jar)) {
            for (Enumeration<JarEntry> entries = in.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                if (!name.endsWith("Proto.class") || name.contains("$")) {
                    continue;
                }
                FileDescriptor file = fileOf(loader, name.substring(0, name.length() - ".class".length()).replace('/', '.'));
                if (file != null) {
                    out.add(file);
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    private static FileDescriptor fileOf(ClassLoader loader, String className) {
        try {
            Method m = Class.forName(className, true, loader).getMethod("getDescriptor");
            return m.getReturnType() == FileDescriptor.class ? (FileDescriptor) m.invoke(null) : null;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null; // not an outer class, or one whose imports are not on the classpath
        }
    }
}
