package io.strait.cli.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.ca.role.CaOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * The trust domain a node's CA issues in and its secure xDS port accepts, decided once at start. The mesh's MeshConfig
 * ({@code trustDomain}, {@code trustDomainAliases}) is where Istio keeps it, and the translator reads the same field
 * to name the identities a client accepts, so the CA must agree with it: an explicit {@code --trust-domain} that
 * differs from the MeshConfig's is refused at start rather than issuing certificates no client would accept.
 *
 * @param trustDomain the CA's trust domain
 * @param aliases     the MeshConfig's {@code trustDomainAliases}
 * @param source      where the trust domain came from, for the start-up line
 */
public record MeshTrustDomain(String trustDomain, Set<String> aliases, String source) {
    public MeshTrustDomain {
        aliases = Set.copyOf(aliases);
    }

    /**
     * @param flag     {@code --trust-domain}, or null when not given
     * @param meshFile the MeshConfig file ({@code --mesh-config}, else the config folder's {@code mesh.yaml}); may not exist
     * @throws IllegalArgumentException when the flag and the MeshConfig disagree
     */
    public static MeshTrustDomain resolve(String flag, Path meshFile) {
        JsonNode mesh = read(meshFile);
        String fromMesh = mesh.path("trustDomain").isTextual() && !mesh.path("trustDomain").asText().isBlank()
                ? mesh.path("trustDomain").asText() : null;
        Set<String> aliases = new TreeSet<>();
        mesh.path("trustDomainAliases").forEach(a -> {
            if (a.isTextual() && !a.asText().isBlank()) {
                aliases.add(a.asText());
            }
        });
        if (flag != null && fromMesh != null && !flag.equals(fromMesh)) {
            throw new IllegalArgumentException("--trust-domain " + flag + " differs from trustDomain " + fromMesh + " in " + meshFile
                    + ": the translator names identities in the MeshConfig's trust domain, so certificates from the CA would be refused;"
                    + " drop --trust-domain or make them the same");
        }
        if (flag != null) {
            return new MeshTrustDomain(flag, aliases, "--trust-domain");
        }
        if (fromMesh != null) {
            return new MeshTrustDomain(fromMesh, aliases, meshFile.toString());
        }
        return new MeshTrustDomain(CaOptions.DEFAULT_TRUST_DOMAIN, aliases, "default");
    }

    /** The MeshConfig file's tree; empty when it does not exist or does not parse (ingest reports why). */
    private static JsonNode read(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        try {
            var docs = io.strait.model.yaml.YamlReader.read(file.toString(), Files.readString(file));
            return docs.isEmpty() ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : docs.get(0).tree();
        } catch (IOException | io.strait.model.yaml.YamlSyntaxError | RuntimeException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }
}
