package io.weft.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The agent's logging, configured in code rather than from an XML file: parsing logback's XML
 * (a SAX parser and Joran's model classes) was about a tenth of a second of every start. One
 * line per event worth knowing, to stdout, which systemd and container runtimes collect; the
 * root level comes from {@code WEFT_LOG_LEVEL} (default INFO). An operator who wants another
 * configuration points {@code -Dlogback.configurationFile} at a logback XML file (through
 * {@code WEFT_JAVA_OPTS}), and this steps aside.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {
  static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0}: %msg%n";
  /**
   * Hazelcast, Netty, Vert.x and Micrometer are chatty: only their warnings matter to an
   * operator. Known harmless at start-up: weft keeps no data in Hazelcast's CP structures, and
   * Vert.x registers one HTTP gauge twice.
   */
  static final Map<String, Level> QUIETER = Map.of(
      "com.hazelcast", Level.WARN,
      "io.netty", Level.WARN,
      "io.vertx", Level.WARN,
      "io.micrometer", Level.WARN,
      "com.hazelcast.cp", Level.ERROR,
      "io.micrometer.core.instrument.MeterRegistry", Level.ERROR);

  private final UnaryOperator<String> environment;
  private final UnaryOperator<String> properties;

  /** As logback's service loader makes it: the process's environment and system properties. */
  public LogConfigurator() {
    this(System::getenv, System::getProperty);
  }

  LogConfigurator(UnaryOperator<String> environment, UnaryOperator<String> properties) {
    this.environment = environment;
    this.properties = properties;
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (properties.apply("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
    stdout.setContext(context);
    stdout.setName("STDOUT");
    stdout.setEncoder(encoder);
    stdout.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    // An unknown or empty value is INFO, on purpose: the XML's Joran made both DEBUG (the
    // default of Level.toLevel(String), and of an unset root), flooding the log after a typo.
    root.setLevel(Level.toLevel(environment.apply("WEFT_LOG_LEVEL"), Level.INFO));
    root.addAppender(stdout);
    QUIETER.forEach((name, level) -> context.getLogger(name).setLevel(level));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
