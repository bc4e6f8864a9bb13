package io.weft.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * The three PEM files of an agent (its certificate, its key, the cluster CA), checked before it
 * starts: readable, within their validity, the certificate signed by the CA and matching the key.
 */
public record TlsFiles(Path cert, Path key, Path ca, X509Certificate certificate,
    X509Certificate caCertificate) {

  /** Why the files cannot be used; the message names the file. */
  public static final class Invalid extends Exception {
    public Invalid(String message) {
      super(message);
    }
  }

  public static TlsFiles check(Path cert, Path key, Path ca, Instant now) throws Invalid {
    X509Certificate caCert = load(ca, "--tls-ca");
    X509Certificate hostCert = load(cert, "--tls-cert");
    PrivateKey privateKey;
    try {
      privateKey = PemFiles.privateKey(key);
    } catch (IOException e) {
      throw new Invalid("--tls-key: " + e.getMessage());
    }
    valid(caCert, ca, "--tls-ca", now);
    valid(hostCert, cert, "--tls-cert", now);
    try {
      hostCert.verify(caCert.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new Invalid("--tls-cert: " + cert + " is not signed by the CA in " + ca
          + ": make it with 'weft tls cert create --ca-dir' of that CA");
    }
    if (!matches(privateKey, hostCert)) {
      throw new Invalid("--tls-key: " + key + " is not the key of the certificate " + cert
          + ": give the -key.pem file made with it");
    }
    return new TlsFiles(cert, key, ca, hostCert, caCert);
  }

  public Instant expiry() {
    return certificate.getNotAfter().toInstant();
  }

  private static X509Certificate load(Path file, String flag) throws Invalid {
    try {
      return PemFiles.certificate(file);
    } catch (IOException e) {
      throw new Invalid(flag + ": " + e.getMessage());
    }
  }

  private static void valid(X509Certificate c, Path file, String flag, Instant now)
      throws Invalid {
    if (now.isAfter(c.getNotAfter().toInstant())) {
      throw new Invalid(flag + ": " + file + " expired at " + c.getNotAfter().toInstant()
          + ": make a new one with 'weft tls'");
    }
    if (now.isBefore(c.getNotBefore().toInstant())) {
      throw new Invalid(flag + ": " + file + " is not valid before "
          + c.getNotBefore().toInstant() + ": check this host's clock");
    }
  }

  /** Signs a probe with the key and checks it with the certificate's public key. */
  private static boolean matches(PrivateKey key, X509Certificate cert) {
    String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA"
        : "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : null;
    if (algorithm == null) {
      return true;
    }
    try {
      byte[] probe = "weft".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
