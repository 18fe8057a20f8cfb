package io.strait.bus.topic;

import io.strait.model.json.Json;
import io.strait.model.yaml.YamlReader;
import io.strait.model.yaml.YamlSyntaxError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One topic as {@code topics/<name>.yaml} defines it.
 *
 * @param name       topic name
 * @param partitions partition count
 * @param config     topic-level configs (cleanup.policy, retention, …)
 */
public record TopicDefinition(String name, int partitions, Map<String, String> config) {
    private static final List<String> ALL = List.of(Topics.CONFIG, Topics.REVISIONS, Topics.ENDPOINTS, Topics.PROXIES,
            Topics.PROXY_STATUS, Topics.XDS_RESOURCES, Topics.XDS_SCOPES, Topics.XDS_ENDPOINTS, Topics.XDS_COVERAGE, Topics.FRONTS,
            Topics.TRUST, Topics.ROLLOUTS, Topics.REGISTRIES);

    public TopicDefinition {
        config = config == null ? Map.of() : Map.copyOf(config);
    }

    /** Every topic Strait uses, read from the definitions shipped on the classpath. */
    public static List<TopicDefinition> all() {
        List<TopicDefinition> out = new ArrayList<>();
        for (String name : ALL) {
            String resource = "strait/topics/" + name + ".yaml";
            try (InputStream in = TopicDefinition.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("topic definition missing from the build: " + resource);
                }
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                out.add(Json.MAPPER.treeToValue(YamlReader.read(resource, text).get(0).tree(), TopicDefinition.class));
            } catch (IOException | YamlSyntaxError e) {
                throw new IllegalStateException("cannot read " + resource + ": " + e.getMessage(), e);
            }
        }
        return out;
    }
}
