package dev.nodeipam.guard;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The serving certificate and key of the PEM files on disk, read again on the first handshake after
 * either file changed (cert-manager rotates them in place); a pair that cannot be read, or whose
 * key does not belong to the certificate (one file written, the other not yet), leaves the
 * previous pair in service.
 */
final class PemKeyManager extends X509ExtendedKeyManager {
  private record Pair(PrivateKey key, X509Certificate[] chain, FileTime c, FileTime k) {}

  private final Path certFile;
  private final Path keyFile;
  private volatile Pair current;

  PemKeyManager(Path certFile, Path keyFile) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.current = load();
  }

  private Pair fresh() {
    Pair p = current;
    try {
      if (!Files.getLastModifiedTime(certFile).equals(p.c())
          || !Files.getLastModifiedTime(keyFile).equals(p.k())) {
        p = load();
        current = p;
      }
    } catch (IOException | RuntimeException e) {
      // A half-written pair: the next handshake tries again.
    }
    return p;
  }

  private Pair load() {
    try {
      FileTime c = Files.getLastModifiedTime(certFile);
      FileTime k = Files.getLastModifiedTime(keyFile);
      X509Certificate[] chain;
      try (var in = Files.newInputStream(certFile)) {
        chain =
            CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                .map(X509Certificate.class::cast)
                .toArray(X509Certificate[]::new);
      }
      PrivateKey key = readKey(keyFile);
      if (chain.length == 0
          || !chain[0].getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
        throw new IllegalStateException(certFile + " and " + keyFile + " do not match");
      }
      return new Pair(key, chain, c, k);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** PKCS#1 RSA, SEC1 EC ("BEGIN EC PRIVATE KEY") and PKCS#8 ("BEGIN PRIVATE KEY"). */
  static PrivateKey readKey(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(r)) {
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
        if (o instanceof PEMKeyPair kp) {
          return conv.getKeyPair(kp).getPrivate();
        }
        if (o instanceof PrivateKeyInfo info) {
          return conv.getPrivateKey(info);
        }
      }
    }
    throw new IOException(file + ": no private key");
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket s) {
    return fresh().key().getAlgorithm().equals(keyType) ? "server" : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine e) {
    return fresh().key().getAlgorithm().equals(keyType) ? "server" : null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return fresh().chain();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return fresh().key();
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[] {"server"};
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket s) {
    return null;
  }
}
