package io.strait.ingest.validate;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Istio's warnings about a patch value that parsed as its Envoy object: Any types of a frozen API package
 * ({@code validateDeprecatedFilterTypes}, {@code recurseDeprecatedTypes}) and filters configured by name alone,
 * without {@code typed_config} ({@code validateMissingTypedConfigFilterTypes}, {@code recurseMissingTypedConfig}).
 *
 * <p>Both descend as Istio's do: into the singular message fields that are set, never into the elements of a list
 * or map, nor into the object an Any holds. A listener's filter chains, or the HTTP filters inside a connection
 * manager's typed_config, are so not looked at, by Istio or here.
 */
final class EnvoyPatchNotices {
    private static final String ANY = "google.protobuf.Any";

    private EnvoyPatchNotices() {
    }

    static void report(Report report, String path, Message object, EnvoyTypes types) {
        List<String> frozen = new ArrayList<>();
        frozenTypes(object, types, frozen);
        if (!frozen.isEmpty()) {
            report.warning(path, "using deprecated type_url(s); " + String.join(", ", frozen));
        }
        List<String> byName = new ArrayList<>();
        missingTypedConfig(object, byName);
        if (!byName.isEmpty()) {
            report.warning(path, "using deprecated types by name without typed_config; " + String.join(", ", byName));
        }
    }

    /** recurseDeprecatedTypes: the type URLs of the Any fields whose message's file is FROZEN. */
    private static void frozenTypes(Message message, EnvoyTypes types, List<String> out) {
        for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
            if (e.getKey().isRepeated() || !(e.getValue() instanceof Message m)) {
                continue;
            }
            if (m.getDescriptorForType().getFullName().equals(ANY)) {
                String url = String.valueOf(m.getField(m.getDescriptorForType().findFieldByName("type_url")));
                Descriptor content = types.byTypeUrl(url);
                if (content != null && EnvoyTypes.frozen(content)) {
                    out.add(url);
                }
            }
            frozenTypes(m, types, out);
        }
    }

    /**
     * recurseMissingTypedConfig: the names of the messages that have a typed_config field but set neither it nor
     * config_discovery (ECDS), children first. The name is the message's {@code name} field, empty when unset.
     */
    private static void missingTypedConfig(Message message, List<String> out) {
        Descriptor type = message.getDescriptorForType();
        String name = "";
        for (FieldDescriptor field : type.getFields()) {
            if (field.getJsonName().equals("name") && !field.isRepeated()) {
                name = String.valueOf(message.getField(field));
            }
        }
        boolean requires = false;
        boolean has = false;
        for (FieldDescriptor field : type.getFields()) {
            boolean set = field.isRepeated() ? message.getRepeatedFieldCount(field) > 0 : message.hasField(field);
            requires |= field.getJsonName().equals("typedConfig");
            if (set && (field.getJsonName().equals("typedConfig") || field.getJsonName().equals("configDiscovery"))) {
                has = true;
            }
            if (set && !field.isRepeated() && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                missingTypedConfig((Message) message.getField(field), out);
            }
        }
        if (requires && !has) {
            out.add(name);
        }
    }
}
