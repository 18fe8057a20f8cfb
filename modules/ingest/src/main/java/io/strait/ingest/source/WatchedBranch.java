package io.strait.ingest.source;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * A {@link FetchTrigger} for one repository and branch: matches a push to that branch under any URL form of the
 * repository ({@link RepositoryUrl}), and hands {@code fetchNow} to the source's own non-blocking fetch request.
 *
 * @param url    the repository as the source was configured (credentials, if any, are ignored for matching)
 * @param branch the watched branch, e.g. {@code main}
 * @param fetch  asks the source to fetch; must not block
 */
public record WatchedBranch(String url, String branch, Consumer<String> fetch) implements FetchTrigger {
    public WatchedBranch {
        Objects.requireNonNull(fetch, "fetch");
        if (RepositoryUrl.parse(url).isEmpty()) {
            throw new IllegalArgumentException("\"" + url + "\" is not a git repository URL (https://host/org/repo, "
                    + "ssh://git@host/org/repo.git or git@host:org/repo.git)");
        }
    }

    @Override
    public boolean matches(String repoUrl, String ref) {
        return RepositoryUrl.same(url, repoUrl) && RepositoryUrl.branchOf(ref).filter(branch::equals).isPresent();
    }

    @Override
    public void fetchNow(String reason) {
        fetch.accept(reason);
    }

    /** {@code host/path@branch}: the name a webhook's answer gives this source, without any credentials of the URL. */
    @Override
    public String toString() {
        return RepositoryUrl.parse(url).orElseThrow() + "@" + branch;
    }
}
