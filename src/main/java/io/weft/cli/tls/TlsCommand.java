package io.weft.cli.tls;

import io.weft.tls.CertificateAuthority;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code weft tls}: makes the cluster CA and the hosts' certificates for mutual TLS. */
@Command(name = "tls", description = "Make the cluster CA and host certificates for"
    + " --tls-cert/--tls-key/--tls-ca.",
    subcommands = {TlsCommand.Ca.class, TlsCommand.Cert.class})
public final class TlsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command: 'weft tls ca create' or"
        + " 'weft tls cert create'");
  }

  @Command(name = "ca", description = "The cluster CA.", subcommands = CaCreate.class)
  static final class Ca implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      throw new ParameterException(spec.commandLine(), "Missing command: 'weft tls ca create'");
    }
  }

  @Command(name = "cert", description = "Host certificates.", subcommands = CertCreate.class)
  static final class Cert implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      throw new ParameterException(spec.commandLine(), "Missing command: 'weft tls cert create'");
    }
  }

  @Command(name = "create", description = "Make the cluster CA: weft-ca.pem (give it to every"
      + " host as --tls-ca) and weft-ca-key.pem (keep it off the hosts; mode 0600).")
  static final class CaCreate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".",
        description = "Where to write the files. Default: the current directory.")
    Path dir;

    @Override
    public Integer call() {
      try {
        report(spec, CertificateAuthority.createCa(dir, Instant.now()));
        return 0;
      } catch (IOException e) {
        spec.commandLine().getErr().println("weft: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "create", description = "Make a host's key and certificate, signed by the CA:"
      + " HOST.pem (--tls-cert) and HOST-key.pem (--tls-key, mode 0600).")
  static final class CertCreate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--ca-dir", paramLabel = "DIR", required = true,
        description = "The directory with weft-ca.pem and weft-ca-key.pem.")
    Path caDir;

    @Option(names = "--name", paramLabel = "HOST", required = true,
        description = "The host's name: the certificate's subject and a DNS name in it.")
    String name;

    @Option(names = "--ip", paramLabel = "IP", arity = "1..*",
        description = "The host's cluster addresses, written into the certificate.")
    List<String> ips = new ArrayList<>();

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".",
        description = "Where to write the files. Default: the current directory.")
    Path dir;

    @Override
    public Integer call() {
      if (!name.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")) {
        throw new ParameterException(spec.commandLine(), "Invalid value for option '--name': '"
            + name + "' must be a host name (letters, digits, '.', '-')");
      }
      List<InetAddress> addresses = new ArrayList<>();
      for (String ip : ips) {
        if (!ip.matches("[0-9.]+|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*")) {
          throw invalidIp(ip);
        }
        try {
          addresses.add(InetAddress.getByName(ip));
        } catch (UnknownHostException e) {
          throw invalidIp(ip);
        }
      }
      try {
        report(spec, CertificateAuthority.createHost(caDir, name, addresses, dir, Instant.now()));
        return 0;
      } catch (IOException e) {
        spec.commandLine().getErr().println("weft: " + e.getMessage());
        return 1;
      }
    }

    private ParameterException invalidIp(String ip) {
      return new ParameterException(spec.commandLine(), "Invalid value for option '--ip': '"
          + ip + "' is not an IPv4 or IPv6 address");
    }
  }

  private static void report(CommandSpec spec, List<Path> files) {
    CommandLine cli = spec.commandLine();
    for (Path file : files) {
      cli.getOut().println("wrote " + file);
    }
  }
}
