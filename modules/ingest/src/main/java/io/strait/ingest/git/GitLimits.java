package io.strait.ingest.git;

import io.strait.model.finding.Finding;
import java.util.Optional;

/**
 * How much of a commit the git source agrees to read, so that a commit with a huge file or a huge number of files
 * is rejected with a message instead of filling the heap. Only config files (YAML under {@code --git-path}) count.
 *
 * @param maxFileBytes  the largest config file ({@code --git-max-file-size})
 * @param maxFiles      the most config files in one commit ({@code --git-max-files})
 * @param maxTotalBytes the most bytes of config files in one commit ({@code --git-max-total-size})
 */
public record GitLimits(long maxFileBytes, int maxFiles, long maxTotalBytes) {
    /** The finding code of a commit over a limit. */
    public static final String CODE = "STR0011";
    public static final GitLimits DEFAULTS = new GitLimits(10L * 1024 * 1024, 10_000, 64L * 1024 * 1024);

    public GitLimits {
        if (maxFileBytes <= 0 || maxFiles <= 0 || maxTotalBytes <= 0) {
            throw new IllegalArgumentException("git limits must be positive");
        }
    }

    /** An error when the commit holds more config files than allowed. */
    public Optional<Finding> files(int count, String where) {
        return count <= maxFiles ? Optional.empty() : Optional.of(error(where,
                "the commit has " + count + " config files under " + where + ", over the limit of " + maxFiles
                        + ": remove files, point --git-path at a smaller folder, or raise --git-max-files"));
    }

    /** An error when one file is larger than allowed. */
    public Optional<Finding> fileSize(String file, long bytes) {
        return bytes <= maxFileBytes ? Optional.empty() : Optional.of(error(file,
                "file is " + mib(bytes) + ", over the limit of " + mib(maxFileBytes)
                        + " per file: split it, or raise --git-max-file-size"));
    }

    /** An error when the files read so far add up to more than allowed. */
    public Optional<Finding> totalSize(String where, long bytes) {
        return bytes <= maxTotalBytes ? Optional.empty() : Optional.of(error(where,
                "the config files under " + where + " add up to more than " + mib(maxTotalBytes)
                        + ": remove files, or raise --git-max-total-size"));
    }

    private static String mib(long bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static Finding error(String file, String message) {
        return new Finding(Finding.Level.ERROR, CODE, file, 0, null, null, message);
    }
}
