package io.weft.cli;

import io.weft.agent.Agent;
import io.weft.agent.AgentOptions;
import io.weft.agent.AgentStartException;
import io.weft.net.HostPort;
import io.weft.net.Cidr;
import io.weft.net.Unassignable;
import io.weft.ring.PeerName;
import io.weft.tls.TlsFiles;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code weft launch}: runs the agent in the foreground until SIGTERM. */
@Command(name = "launch", sortOptions = false,
    description = "Run the weft agent in the foreground until SIGTERM; logs go to stdout.")
final class LaunchCommand implements Callable<Integer> {
  static final Path SYSTEM_DATA_DIR = Path.of("/var/lib/weft");
  /**
   * Looked up when launch runs, not when the class loads: picocli instantiates every command to
   * read its options, and a static logger would initialise logback (and its XML parser) for a
   * {@code weft status} too.
   */
  private static Logger log() {
    return LoggerFactory.getLogger(LaunchCommand.class);
  }

  @Spec CommandSpec spec;

  @Option(names = "--init-peer-count", paramLabel = "N",
      description = "How many peers the cluster starts with; quorum is N/2+1."
          + " Default: the number of PEERs + 1.")
  Integer initPeerCount;

  @Option(names = "--observer", description = "Never vote in the initial consensus.")
  boolean observer;

  @Option(names = "--ipalloc-init", paramLabel = "MODE",
      description = "Weave's syntax: consensus=N (as --init-peer-count N), observer (as"
          + " --observer), or seed=NAME,NAME,... (seed mode: the ring is split among these peer"
          + " names at start, without consensus; give every peer the same list).")
  String ipallocInit;

  @Option(names = "--ipalloc-range", paramLabel = "CIDR", defaultValue = "10.32.0.0/12",
      converter = Converters.CidrConverter.class,
      description = "The whole allocation range; the same on every peer. Default: ${DEFAULT-VALUE}")
  Cidr range;

  @Option(names = "--ipalloc-default-subnet", paramLabel = "CIDR",
      converter = Converters.CidrConverter.class,
      description = "The subnet of allocations that name none. Default: the range.")
  Cidr defaultSubnet;

  @Option(names = "--name", paramLabel = "NAME", converter = Converters.PeerNameConverter.class,
      description = "Peer name (aa:bb:cc:dd:ee:ff). Default: created once, kept in the data dir.")
  PeerName name;

  @Option(names = "--nickname", paramLabel = "NICK", description = "Default: the host name.")
  String nickname;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Default: /var/lib/weft,"
      + " or ~/.local/share/weft when that is not writable.")
  Path dataDir;

  @Option(names = "--http-addr", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:6784",
      converter = Converters.HostPortConverter.class,
      description = "HTTP API, status and metrics. Default: ${DEFAULT-VALUE}")
  HostPort httpAddr;

  @Option(names = "--cluster-addr", paramLabel = "HOST[:PORT]",
      description = "Cluster membership address; a host pins membership and the event bus to it."
          + " Default: all interfaces, port 6783.")
  String clusterAddr;

  @Option(names = "--bus-port", paramLabel = "PORT", defaultValue = "6785",
      converter = Converters.PortConverter.class,
      description = "Clustered event bus port. Default: ${DEFAULT-VALUE}")
  int busPort;

  @Option(names = "--bridge-addr", paramLabel = "HOST:PORT|none", defaultValue = "127.0.0.1:6786",
      description = "Event-bus TCP bridge for local tools. Default: ${DEFAULT-VALUE}")
  String bridgeAddr;

  @Option(names = "--docker-host", paramLabel = "URI|none",
      defaultValue = "unix:///var/run/docker.sock",
      description = "Docker Engine API to watch containers on. Default: ${DEFAULT-VALUE}")
  String dockerHost;

  @Option(names = "--docker-plugin", paramLabel = "PATH|none",
      defaultValue = "/run/docker/plugins/weft.sock",
      description = "Unix socket of the Docker IPAM driver; its file name (without .sock) is the"
          + " driver's name for --ipam-driver. Default: ${DEFAULT-VALUE}")
  String dockerPlugin;

  @Option(names = "--container-grace", paramLabel = "SECONDS", defaultValue = "30",
      description = "How long a dead container keeps its addresses. Default: ${DEFAULT-VALUE}")
  long containerGrace;

  @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = "weft",
      description = "Only agents with the same cluster name join. Default: ${DEFAULT-VALUE}")
  String clusterName;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "This host's certificate (PEM), signed by the cluster CA: peer traffic uses"
          + " mutual TLS. Needs --tls-key and --tls-ca; make them with 'weft tls'.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "The certificate's key (PEM).")
  Path tlsKey;

  @Option(names = "--tls-ca", paramLabel = "FILE",
      description = "The cluster CA's certificate (PEM): only peers it signed are accepted.")
  Path tlsCa;

  @Option(names = "--config", paramLabel = "FILE",
      description = "YAML file of flag values (keys: flag names without dashes); flags win.")
  Path config;

  @Parameters(paramLabel = "PEER", arity = "0..*",
      description = "Other peers' cluster addresses, host[:port] (port 6783 when left out).")
  List<String> peers = new ArrayList<>();

  List<String> configPeers = List.of();

  @Override
  public Integer call() {
    AgentOptions options = options();
    Agent agent;
    try {
      agent = Agent.start(options);
    } catch (AgentStartException e) {
      log().error("weft cannot start: {}", e.getMessage());
      return 1;
    }
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Signal.handle(new Signal("TERM"), s -> exit.complete(0));
    Signal.handle(new Signal("INT"), s -> exit.complete(0));
    agent.fatal().onSuccess(message -> exit.complete(1));
    int code = exit.join();
    log().info("shutting down: leaving the cluster");
    agent.close();
    log().info("stopped");
    return code;
  }

  AgentOptions options() {
    List<PeerName> seeds = List.of();
    if (ipallocInit != null) {
      IpallocInit init = IpallocInit.parse(ipallocInit, this::usage);
      // Weave's --ipalloc-init modes exclude each other: an observer never votes, so it can
      // neither count towards consensus=N nor be one of the seeds that split the ring.
      if (observer && !init.observer()) {
        throw usage("--ipalloc-init", ipallocInit + " contradicts --observer: an observer"
            + " takes no part in consensus or seeding; give one of them");
      }
      if (init.count() > 0) {
        if (initPeerCount != null && initPeerCount != init.count()) {
          throw usage("--ipalloc-init", ipallocInit + " contradicts --init-peer-count "
              + initPeerCount + ": give one of them");
        }
        initPeerCount = init.count();
      }
      observer |= init.observer();
      seeds = init.seeds();
      if (!seeds.isEmpty() && initPeerCount != null) {
        throw usage("--ipalloc-init", "seed mode needs no peer count: drop --init-peer-count");
      }
    }
    int count = initPeerCount == null ? 0 : initPeerCount;
    if (initPeerCount != null && initPeerCount < 1) {
      throw usage("--init-peer-count", initPeerCount + " is not a peer count: use 1 or more");
    }
    if (range.size() < 4) {
      throw usage("--ipalloc-range", range + " holds " + range.size()
          + " address(es); a range needs at least 4 (prefix /30 or shorter)");
    }
    List<Cidr> unassignable = Unassignable.within(range);
    if (!unassignable.isEmpty()) {
      throw usage("--ipalloc-range", range + " includes " + unassignable.stream()
          .map(Cidr::toString).collect(java.util.stream.Collectors.joining(", "))
          + ", which no container can hold: pick a private range such as 10.32.0.0/12");
    }
    if (name != null && name.value() == 0) {
      throw usage("--name", name + " is how Weave writes an unknown peer, so no peer may be"
          + " named so: give another name, or leave --name out to have one made");
    }
    Cidr subnet = defaultSubnet == null ? range : defaultSubnet;
    // Every allocation without a subnet is made in this one: under 4 addresses it has no
    // address to hand out once its network and broadcast addresses are left out.
    if (subnet.size() < 4) {
      throw usage("--ipalloc-default-subnet", subnet + " holds " + subnet.size()
          + " address(es); a default subnet needs at least 4 (prefix /30 or shorter): give a"
          + " larger one, or leave the flag out to use the range");
    }
    if (!subnet.overlaps(range)) {
      throw usage("--ipalloc-default-subnet", subnet + " does not overlap the allocation range "
          + range + " (--ipalloc-range)");
    }
    if (containerGrace < 0) {
      throw usage("--container-grace", containerGrace + " is negative: use 0 or more seconds");
    }
    if (!clusterName.matches("[A-Za-z0-9._-]{1,64}")) {
      throw usage("--cluster-name", "'" + clusterName
          + "' must be 1-64 letters, digits, '.', '_' or '-'");
    }
    String nick = nickname == null ? hostName() : nickname;
    if (nick.isBlank() || nick.length() > 64 || !nick.chars().allMatch(c -> c > 32 && c < 127)) {
      throw usage("--nickname", "'" + nick + "' must be 1-64 printable characters, no spaces");
    }
    HostPort cluster = parse("--cluster-addr", clusterAddr == null ? null : clusterAddr, 6783);
    List<HostPort> allPeers = new ArrayList<>();
    for (String p : peers) {
      allPeers.add(parse("PEER", p, 6783));
    }
    if (allPeers.isEmpty()) {
      for (String p : configPeers) {
        allPeers.add(parse("peers (in --config)", p, 6783));
      }
    }
    // The same peer list is often given to every host: this host's own address, and repeats,
    // must not count towards the quorum.
    allPeers = allPeers.stream().distinct().filter(p -> !p.equals(cluster)).toList();
    return new AgentOptions(count, observer, range, subnet, Optional.ofNullable(name), nick,
        dataDir == null ? defaultDataDir() : dataDir, httpAddr,
        Optional.ofNullable(cluster).map(HostPort::host),
        cluster == null ? AgentOptions.DEFAULT_CLUSTER_PORT : cluster.port(), busPort,
        "none".equals(bridgeAddr) ? Optional.empty()
            : Optional.of(parse("--bridge-addr", bridgeAddr, -1)),
        dockerHost(), Duration.ofSeconds(containerGrace), clusterName, allPeers, seeds, tls(),
        dockerPlugin());
  }

  /** All three TLS files or none; each readable, in date, the certificate signed by the CA. */
  private Optional<TlsFiles> tls() {
    Map<String, Path> given = new LinkedHashMap<>();
    given.put("--tls-cert", tlsCert);
    given.put("--tls-key", tlsKey);
    given.put("--tls-ca", tlsCa);
    List<String> missing = given.entrySet().stream().filter(e -> e.getValue() == null)
        .map(Map.Entry::getKey).toList();
    if (missing.size() == given.size()) {
      return Optional.empty();
    }
    if (!missing.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "TLS needs --tls-cert, --tls-key and"
          + " --tls-ca together; missing: " + String.join(", ", missing)
          + " (make the files with 'weft tls ca create' and 'weft tls cert create')");
    }
    try {
      return Optional.of(TlsFiles.check(tlsCert, tlsKey, tlsCa, Instant.now()));
    } catch (TlsFiles.Invalid e) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '"
          + e.getMessage().substring(0, e.getMessage().indexOf(':')) + "'"
          + e.getMessage().substring(e.getMessage().indexOf(':')));
    }
  }

  private Optional<String> dockerHost() {
    if ("none".equals(dockerHost)) {
      return Optional.empty();
    }
    if (!dockerHost.matches("(unix://)?/.+|tcp://[A-Za-z0-9.\\-]+:\\d{1,5}")) {
      throw usage("--docker-host", "'" + dockerHost
          + "' is not a Docker API address: use unix:///path/to/docker.sock, tcp://host:port"
          + " or none");
    }
    return Optional.of(dockerHost);
  }

  private Optional<Path> dockerPlugin() {
    if ("none".equals(dockerPlugin)) {
      return Optional.empty();
    }
    if (!dockerPlugin.startsWith("/") || dockerPlugin.endsWith("/")) {
      throw usage("--docker-plugin", "'" + dockerPlugin + "' is not an absolute socket path:"
          + " use /run/docker/plugins/NAME.sock (Docker finds NAME there) or none");
    }
    return Optional.of(Path.of(dockerPlugin));
  }

  private HostPort parse(String flag, String value, int defaultPort) {
    if (value == null) {
      return null;
    }
    try {
      return HostPort.parse(value, defaultPort);
    } catch (IllegalArgumentException e) {
      throw usage(flag, e.getMessage());
    }
  }

  ParameterException usage(String flag, String problem) {
    return new ParameterException(spec.commandLine(),
        "Invalid value for " + (flag.startsWith("--") ? "option '" + flag + "'" : flag) + ": "
            + problem);
  }

  static String hostName() {
    try {
      Path etc = Path.of("/etc/hostname");
      if (Files.isReadable(etc)) {
        String name = Files.readString(etc).trim();
        if (!name.isEmpty()) {
          return name;
        }
      }
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }

  /** /var/lib/weft when it can be used, else a folder under the user's home. */
  static Path defaultDataDir() {
    Path system = SYSTEM_DATA_DIR;
    if (Files.isDirectory(system) ? Files.isWritable(system)
        : Files.isWritable(system.getParent())) {
      return system;
    }
    return Path.of(System.getProperty("user.home"), ".local", "share", "weft");
  }
}
