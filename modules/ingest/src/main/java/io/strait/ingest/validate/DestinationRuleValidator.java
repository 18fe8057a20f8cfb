package io.strait.ingest.validate;

import io.strait.ingest.load.LoadedResource;
import io.strait.model.istio.DestinationRule;
import java.util.HashSet;
import java.util.Set;

/** DestinationRule fields: host and uniquely named subsets. */
public final class DestinationRuleValidator implements ResourceValidator {

    @Override
    public void validate(LoadedResource r, Findings f) {
        DestinationRule dr = (DestinationRule) r.resource().spec();
        if (dr.host() == null || dr.host().isBlank()) {
            f.error(r, Findings.SCHEMA, "spec.host", "host is required");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < dr.subsets().size(); i++) {
            String path = "spec.subsets[" + i + "]";
            DestinationRule.Subset s = dr.subsets().get(i);
            if (s == null || s.name() == null || s.name().isBlank()) {
                f.error(r, Findings.SCHEMA, path + ".name", "subset name is required");
            } else if (!names.add(s.name())) {
                f.error(r, Findings.SCHEMA, path + ".name", "duplicate subset name \"" + s.name() + "\"");
            }
            if (s != null) {
                s.labels().forEach((k, v) -> {
                    if (v == null) {
                        f.error(r, Findings.SCHEMA, path + ".labels." + k, "label value must be a string");
                    }
                });
            }
        }
    }
}
