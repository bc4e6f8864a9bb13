package io.weft.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Reads PEM certificates and keys, with errors that name the file and say what to do. */
public final class PemFiles {
  /** A certificate and its private key. */
  public record Loaded(X509Certificate certificate, PrivateKey key) {}

  private PemFiles() {}

  static Loaded loadCa(Path cert, Path key) throws IOException {
    return new Loaded(certificate(cert), privateKey(key));
  }

  /** The first certificate in a PEM file. */
  public static X509Certificate certificate(Path file) throws IOException {
    byte[] bytes = read(file);
    try {
      Collection<? extends java.security.cert.Certificate> all = CertificateFactory
          .getInstance("X.509").generateCertificates(new java.io.ByteArrayInputStream(bytes));
      if (all.isEmpty()) {
        throw new IOException(file + " holds no PEM certificate");
      }
      return (X509Certificate) all.iterator().next();
    } catch (CertificateException e) {
      throw new IOException(file + " is not a PEM certificate: " + e.getMessage());
    }
  }

  /** A PKCS#8, PKCS#1 or SEC1 private key. */
  public static PrivateKey privateKey(Path file) throws IOException {
    read(file);
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (object instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      throw new IOException(file + " holds no unencrypted PEM private key");
    } catch (IOException e) {
      throw e.getMessage() != null && e.getMessage().startsWith(file.toString()) ? e
          : new IOException(file + " is not a PEM private key: " + e.getMessage());
    }
  }

  private static byte[] read(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IOException("cannot read " + file + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }
  }

  static Instant notAfter(X509Certificate certificate) {
    return certificate.getNotAfter().toInstant();
  }
}
