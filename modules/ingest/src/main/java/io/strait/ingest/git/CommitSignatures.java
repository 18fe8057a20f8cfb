package io.strait.ingest.git;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.util.RawParseUtils;

/**
 * The signed-commit gate ({@code --git-verify-keyring}): a commit is trusted only when its OpenPGP signature
 * verifies with a key of the keyring file. JGit's own verifier looks keys up in the user's GnuPG home; a control
 * plane must trust exactly the keys it was given, so JGit supplies the commit's signature and signed payload and
 * BouncyCastle checks them against the keyring.
 */
final class CommitSignatures {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final byte[] GPGSIG = "gpgsig".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Path keyringFile;
    private final PGPPublicKeyRingCollection keys;

    private CommitSignatures(Path keyringFile, PGPPublicKeyRingCollection keys) {
        this.keyringFile = keyringFile;
        this.keys = keys;
    }

    /** Reads an ASCII-armored or binary OpenPGP public keyring. */
    static CommitSignatures load(Path keyring) throws IOException {
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(keyring))) {
            return new CommitSignatures(keyring, new PGPPublicKeyRingCollection(in, new JcaKeyFingerprintCalculator()));
        } catch (PGPException | RuntimeException e) {
            throw new IOException("--git-verify-keyring " + keyring + " is not an OpenPGP public keyring (" + e.getMessage()
                    + "): export it with gpg --export [--armor] KEYID > FILE", e);
        }
    }

    /** Why the commit is not trusted, or empty when a key of the keyring signed it. */
    Optional<String> problem(RevCommit commit) {
        String sha12 = commit.abbreviate(12).name();
        byte[] signature = commit.getRawGpgSignature();
        if (signature == null) {
            return Optional.of("commit " + sha12 + " is not signed; --git-verify-keyring " + keyringFile
                    + " requires every head commit to be signed by one of its keys (git commit -S)");
        }
        try {
            PGPSignature sig = firstSignature(signature);
            if (sig == null) {
                return Optional.of("commit " + sha12 + " carries a signature that is not OpenPGP (SSH or X.509 signatures are not "
                        + "checked): sign it with a key of " + keyringFile);
            }
            PGPPublicKey key = keys.getPublicKey(sig.getKeyID());
            if (key == null) {
                return Optional.of("commit " + sha12 + " is not signed by a key in " + keyringFile + " (signed by key "
                        + String.format("%016X", sig.getKeyID()) + "): add that public key to the keyring if it is trusted");
            }
            sig.init(new JcaPGPContentVerifierBuilderProvider().setProvider(BC), key);
            sig.update(signedPayload(commit.getRawBuffer()));
            if (!sig.verify()) {
                return Optional.of("commit " + sha12 + " has a signature by key " + String.format("%016X", sig.getKeyID())
                        + " that does not verify: the commit was altered after it was signed");
            }
            return Optional.empty();
        } catch (IOException | PGPException | RuntimeException e) {
            return Optional.of("commit " + sha12 + " has a signature that cannot be read (" + e.getMessage() + ")");
        }
    }

    private static PGPSignature firstSignature(byte[] armored) throws IOException {
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armored))) {
            Object o = new JcaPGPObjectFactory(in).nextObject();
            if (o instanceof PGPSignatureList list && !list.isEmpty()) {
                return list.get(0);
            }
            return null;
        }
    }

    /** The commit as it was signed: its raw text without the {@code gpgsig} header (and that header's continued lines). */
    static byte[] signedPayload(byte[] raw) {
        int value = RawParseUtils.headerStart(GPGSIG, raw, 0);
        if (value < 0) {
            return raw;
        }
        int start = value - GPGSIG.length - 1;
        int end = RawParseUtils.nextLfSkippingSplitLines(raw, value);
        if (end < raw.length) {
            end++; // past the header's own line feed
        }
        byte[] out = new byte[raw.length - (end - start)];
        System.arraycopy(raw, 0, out, 0, start);
        System.arraycopy(raw, end, out, start, raw.length - end);
        return out;
    }

}
