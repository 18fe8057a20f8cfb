package io.strait.ingest.revision;

/**
 * A test-only crash: {@code STRAIT_TEST_CRASH_IN_TRANSACTION=T:N} in a role's environment makes the ingest process
 * halt (as kill -9 would: no shutdown hook, no abort) in the middle of the T-th revision transaction it publishes,
 * right after its N-th record reached the broker, so that a test can show what a crash mid-revision leaves: records
 * in the log that read_committed readers never see. Unset (always, outside the fault tests), it does nothing.
 */
final class CrashPoint {
    static final String VARIABLE = "STRAIT_TEST_CRASH_IN_TRANSACTION";

    private final int transaction;
    private final int records;
    private int transactions;
    private int sent;

    private CrashPoint(int transaction, int records) {
        this.transaction = transaction;
        this.records = records;
    }

    /** The crash point the environment asks for, or none. */
    static CrashPoint fromEnvironment() {
        return parse(System.getenv(VARIABLE));
    }

    static CrashPoint parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return new CrashPoint(0, 0);
        }
        String[] parts = spec.trim().split(":");
        if (parts.length != 2) {
            throw new IllegalArgumentException(VARIABLE + "=" + spec + " must be TRANSACTION:RECORDS, e.g. 2:2");
        }
        return new CrashPoint(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }

    void transactionBegun() {
        transactions++;
        sent = 0;
    }

    /** After a send: true when the process must halt now (the caller flushes first, so the record is on the broker). */
    boolean crashAfterSend() {
        return transaction > 0 && transactions == transaction && ++sent == records;
    }
}
