package io.strait.ingest.validate;

import io.strait.ingest.load.LoadedResource;
import io.strait.model.istio.StringMatch;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Rules shared by several kinds: ports, string matches, IP literals. */
final class Checks {

    private Checks() {
    }

    static void stringMatch(LoadedResource r, Findings f, String path, StringMatch m) {
        if (m == null) {
            f.error(r, Findings.SCHEMA, path, "a match must set one of exact, prefix or regex");
            return;
        }
        if (m.alternativesSet() != 1) {
            f.error(r, Findings.SCHEMA, path, "set exactly one of exact, prefix or regex (found " + m.alternativesSet() + ")");
        }
        if (m.regex() != null) {
            regex(r, f, path + ".regex", m.regex());
        }
    }

    /** Reports a regular expression that does not compile, at {@code path}. */
    static void regex(LoadedResource r, Findings f, String path, String regex) {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            f.error(r, Findings.SCHEMA, path, "invalid regular expression: " + e.getDescription());
        }
    }

    /** An IP address as Istio reads one (Go's netip.ParseAddr): see {@link HostForms#isIp}. */
    static boolean isIp(String s) {
        return HostForms.isIp(s);
    }
}
