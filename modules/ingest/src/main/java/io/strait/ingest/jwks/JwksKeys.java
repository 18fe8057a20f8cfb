package io.strait.ingest.jwks;

import io.strait.bus.envelope.ConfigCodec;
import io.strait.ingest.load.LoadResult;
import io.strait.ingest.load.LoadedResource;
import io.strait.ingest.revision.Revision;
import io.strait.model.finding.Finding;
import io.strait.model.istio.IstioResource;
import io.strait.model.istio.Kind;
import io.strait.model.istio.RequestAuthentication;
import io.strait.model.istio.ResourceKey;
import io.strait.model.yaml.Position;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys of RequestAuthentication {@code jwksUri}s, fetched by ingest as istiod fetches them by default, so the
 * translator only inlines what the revision carries and stays a pure function of the bus. Each URI's keys are
 * cached and fetched again once older than the refresh interval (istiod's default is 20 minutes); the folder's
 * periodic resync is what asks. A URI never fetched successfully gets a key set no token verifies against
 * ({@link RequestAuthentication#UNVERIFIABLE_JWKS}): its issuer fails closed. A failed refresh keeps the last keys
 * fetched, as istiod does, so an issuer's outage does not turn away tokens that were valid a moment ago. Either
 * failure is a warning finding naming the file, line, field and URI, published with the revision.
 */
public final class JwksKeys {
    /** The code of a failed fetch's warning. */
    public static final String FETCH_FAILED = "STR0007";
    /** istiod's PILOT_JWT_PUB_KEY_REFRESH_INTERVAL default. */
    public static final Duration DEFAULT_REFRESH = Duration.ofMinutes(20);
    /** A rule's {@code timeout} when it names none (Istio's default). */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final JwksFetcher fetcher;
    private final Duration refresh;
    private final Clock clock;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    private record Entry(String keys, Instant fetchedAt, String error) {
    }

    public JwksKeys(JwksFetcher fetcher, Duration refresh, Clock clock) {
        this.fetcher = fetcher;
        this.refresh = refresh;
        this.clock = clock;
    }

    /**
     * The revision with every RequestAuthentication rule that needs keys carrying them, its id changed when keys
     * were added (the same files with new keys are a new revision), and a warning per failed fetch.
     */
    public Revision apply(Revision revision, LoadResult loaded) {
        java.util.SortedMap<ResourceKey, ConfigCodec.Entry> resources = new TreeMap<>(revision.resources());
        List<Finding> warnings = new ArrayList<>(revision.warnings());
        MessageDigest digest = sha256();
        boolean any = false;
        for (LoadedResource lr : loaded.resources()) {
            IstioResource r = lr.resource();
            if (r.kind() != Kind.REQUEST_AUTHENTICATION || !resources.containsKey(r.key())) {
                continue;
            }
            RequestAuthentication spec = (RequestAuthentication) r.spec();
            List<RequestAuthentication.JwtRule> rules = new ArrayList<>(spec.jwtRules());
            boolean changed = false;
            for (int i = 0; i < rules.size(); i++) {
                RequestAuthentication.JwtRule rule = rules.get(i);
                if (rule == null || !rule.needsFetch()) {
                    continue;
                }
                Entry e = keysOf(rule);
                if (e.error() != null) {
                    String field = "spec.jwtRules[" + i + "].jwksUri";
                    Position at = lr.document().positionOf(field);
                    String meaning = e.keys() == null
                            ? "no token of issuer \"" + rule.issuer() + "\" is accepted until a fetch succeeds (fail closed)"
                            : "the keys fetched at " + e.fetchedAt() + " stay in use";
                    warnings.add(new Finding(Finding.Level.WARNING, FETCH_FAILED, lr.document().file(), at.line(), at.column(),
                            "RequestAuthentication " + r.namespace() + "/" + r.name(), field,
                            "cannot fetch JWKS from " + rule.jwksUri() + ": " + e.error() + "; " + meaning));
                }
                String keys = e.keys() == null ? RequestAuthentication.UNVERIFIABLE_JWKS : e.keys();
                rules.set(i, rule.withFetchedJwks(keys));
                digest.update((rule.jwksUri() + "\0" + keys + "\0").getBytes(StandardCharsets.UTF_8));
                changed = true;
            }
            if (changed) {
                any = true;
                ConfigCodec.Entry old = resources.get(r.key());
                resources.put(r.key(), new ConfigCodec.Entry(new IstioResource(r.apiVersion(), r.kind(), r.metadata(),
                        spec.withRules(rules)), old.origin()));
            }
        }
        if (!any) {
            return revision;
        }
        digest.update(revision.id().getBytes(StandardCharsets.UTF_8));
        return new Revision(revision.source(), HexFormat.of().formatHex(digest.digest(), 0, 6), resources, warnings);
    }

    /** The cached keys if fresh (or a failure still recent enough not to retry), else a fetch now. */
    private Entry keysOf(RequestAuthentication.JwtRule rule) {
        Instant now = clock.instant();
        Entry cached = cache.get(rule.jwksUri());
        if (cached != null && cached.error() == null && cached.fetchedAt().plus(refresh).isAfter(now)) {
            return cached;
        }
        Entry next;
        try {
            next = new Entry(fetcher.fetch(rule.jwksUri(), timeout(rule)), now, null);
        } catch (JwksFetcher.JwksFetchException e) {
            // keep what was fetched before, with the failure beside it
            next = cached == null || cached.keys() == null ? new Entry(null, now, e.getMessage())
                    : new Entry(cached.keys(), cached.fetchedAt(), e.getMessage());
        }
        cache.put(rule.jwksUri(), next);
        return next;
    }

    private static Duration timeout(RequestAuthentication.JwtRule rule) {
        if (rule.timeout() == null || rule.timeout().isEmpty()) {
            return DEFAULT_TIMEOUT;
        }
        long nanos = io.strait.model.istio.Durations.nanos(rule.timeout());
        return nanos > 0 ? Duration.ofNanos(nanos) : DEFAULT_TIMEOUT;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
