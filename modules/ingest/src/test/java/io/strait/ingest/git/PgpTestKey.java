package io.strait.ingest.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Date;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.GpgSignature;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.Signer;
import org.eclipse.jgit.transport.CredentialsProvider;

/** An OpenPGP key made for a test, a JGit {@link Signer} that signs commits with it, and its public keyring file. */
final class PgpTestKey implements Signer {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private final PGPKeyPair pair;
    private final PGPKeyRingGenerator rings;

    PgpTestKey(String user) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        pair = new JcaPGPKeyPair(PublicKeyPacket.VERSION_4, PublicKeyAlgorithmTags.RSA_GENERAL, g.generateKeyPair(), new Date());
        rings = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, pair, user,
                new JcaPGPDigestCalculatorProviderBuilder().build().get(HashAlgorithmTags.SHA1), null, null,
                new JcaPGPContentSignerBuilder(pair.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256).setProvider(BC), null);
    }

    /** Writes the public keyring, ASCII-armored, as {@code gpg --export --armor} would. */
    Path writePublicKeyring(Path file) throws IOException {
        try (OutputStream out = new ArmoredOutputStream(Files.newOutputStream(file))) {
            rings.generatePublicKeyRing().encode(out);
        }
        return file;
    }

    @Override
    public GpgSignature sign(Repository repo, GpgConfig config, byte[] data, PersonIdent committer, String key,
                             CredentialsProvider cp) throws IOException {
        try {
            PGPSignatureGenerator gen = new PGPSignatureGenerator(
                    new JcaPGPContentSignerBuilder(pair.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256).setProvider(BC),
                    pair.getPublicKey());
            gen.init(PGPSignature.BINARY_DOCUMENT, pair.getPrivateKey());
            gen.update(data);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (ArmoredOutputStream armor = new ArmoredOutputStream(buf); BCPGOutputStream out = new BCPGOutputStream(armor)) {
                gen.generate().encode(out);
            }
            return new GpgSignature(buf.toByteArray());
        } catch (org.bouncycastle.openpgp.PGPException e) {
            throw new IOException(e);
        }
    }

    @Override
    public boolean canLocateSigningKey(Repository repo, GpgConfig config, PersonIdent committer, String key, CredentialsProvider cp) {
        return true;
    }
}
