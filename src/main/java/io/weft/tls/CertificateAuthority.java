package io.weft.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Makes the cluster CA and host certificates, in the spirit of {@code consul tls}: ECDSA P-256
 * keys, SHA-256 signatures, a CA valid for 5 years and host certificates for 1 year that serve
 * as both TLS server and client (every agent is both on the event bus). Keys are written 0600.
 */
public final class CertificateAuthority {
  public static final String CA_CERT = "weft-ca.pem";
  public static final String CA_KEY = "weft-ca-key.pem";
  public static final Duration CA_VALIDITY = Duration.ofDays(5 * 365);
  public static final Duration HOST_VALIDITY = Duration.ofDays(365);
  private static final SecureRandom RANDOM = new SecureRandom();

  private CertificateAuthority() {}

  /** Writes {@value #CA_CERT} and {@value #CA_KEY} into {@code dir}; refuses to overwrite. */
  public static List<Path> createCa(Path dir, Instant now) throws IOException {
    Path cert = dir.resolve(CA_CERT);
    Path key = dir.resolve(CA_KEY);
    refuseExisting(cert, key);
    try {
      KeyPair pair = newKeyPair();
      X500Name subject = new X500Name("CN=weft cluster CA " + Long.toHexString(RANDOM.nextLong()));
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(CA_VALIDITY)), subject,
          pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
          .addExtension(Extension.subjectKeyIdentifier, false,
              ext.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate ca = sign(builder, pair.getPrivate());
      Files.createDirectories(dir);
      writeKey(key, pair.getPrivate());
      Files.writeString(cert, pem(ca), StandardCharsets.US_ASCII);
      return List.of(cert, key);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot make the CA: " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code <name>.pem} and {@code <name>-key.pem} into {@code dir}, signed by the CA in
   * {@code caDir}; the name and the IPs become the certificate's subject alternative names.
   */
  public static List<Path> createHost(Path caDir, String name, List<InetAddress> ips, Path dir,
      Instant now) throws IOException {
    PemFiles.Loaded ca = PemFiles.loadCa(caDir.resolve(CA_CERT), caDir.resolve(CA_KEY));
    Path cert = dir.resolve(name + ".pem");
    Path key = dir.resolve(name + "-key.pem");
    refuseExisting(cert, key);
    try {
      KeyPair pair = newKeyPair();
      List<GeneralName> names = new ArrayList<>();
      names.add(new GeneralName(GeneralName.dNSName, name));
      for (InetAddress ip : ips) {
        names.add(new GeneralName(GeneralName.iPAddress, ip.getHostAddress()));
      }
      Instant notAfter = now.plus(HOST_VALIDITY);
      if (notAfter.isAfter(ca.certificate().getNotAfter().toInstant())) {
        notAfter = ca.certificate().getNotAfter().toInstant();
      }
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate(), serial(),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(notAfter),
          new X500Name("CN=" + name), pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
              KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, false,
              new GeneralNames(names.toArray(GeneralName[]::new)))
          .addExtension(Extension.authorityKeyIdentifier, false,
              ext.createAuthorityKeyIdentifier(ca.certificate()));
      X509Certificate host = sign(builder, ca.key());
      Files.createDirectories(dir);
      writeKey(key, pair.getPrivate());
      Files.writeString(cert, pem(host), StandardCharsets.US_ASCII);
      return List.of(cert, key);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot make the certificate: " + e.getMessage(), e);
    }
  }

  private static void refuseExisting(Path... files) throws IOException {
    for (Path f : files) {
      if (Files.exists(f)) {
        throw new IOException(f + " already exists: remove it or choose another --dir");
      }
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException, OperatorCreationException {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  /** PKCS#8 ("PRIVATE KEY"), created 0600 so that it is never readable by others, even briefly. */
  private static void writeKey(Path file, PrivateKey key) throws IOException {
    String text = pem(new PemObject("PRIVATE KEY", key.getEncoded()));
    Files.createFile(file, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
  }
}
