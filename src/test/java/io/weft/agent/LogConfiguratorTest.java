package io.weft.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogConfiguratorTest {
  @Test
  void onePatternedLineToStdoutWithTheLibrariesQuieter() {
    LoggerContext context = new LoggerContext();

    ExecutionStatus status = new LogConfigurator(name -> null, name -> null).configure(context);

    assertThat(status).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    var appender = (ConsoleAppender<?>) root.getAppender("STDOUT");
    assertThat(appender.getTarget()).isEqualTo("System.out");
    assertThat(((PatternLayoutEncoder) appender.getEncoder()).getPattern())
        .isEqualTo("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0}: %msg%n");
    // The levels of the former logback.xml, written out rather than read from QUIETER.
    assertThat(Map.of(
        "com.hazelcast", Level.WARN,
        "io.netty", Level.WARN,
        "io.vertx", Level.WARN,
        "io.micrometer", Level.WARN,
        "com.hazelcast.cp", Level.ERROR,
        "io.micrometer.core.instrument.MeterRegistry", Level.ERROR))
        .allSatisfy((name, level) ->
            assertThat(context.getLogger(name).getLevel()).isEqualTo(level));
    assertThat(context.getLogger("com.hazelcast.instance.impl.Node").getEffectiveLevel())
        .isEqualTo(Level.WARN);
    assertThat(context.getLogger("com.hazelcast.cp.CPSubsystem").getEffectiveLevel())
        .isEqualTo(Level.ERROR);
    assertThat(context.getLogger("io.vertx.core.impl.ContextImpl").getEffectiveLevel())
        .isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.weft.agent.Agent").getEffectiveLevel())
        .isEqualTo(Level.INFO);
  }

  @Test
  void theRootLevelComesFromWeftLogLevelAndAnUnknownOrEmptyOneIsInfo() {
    LoggerContext debug = new LoggerContext();
    new LogConfigurator(Map.of("WEFT_LOG_LEVEL", "DEBUG")::get, name -> null).configure(debug);
    LoggerContext wrong = new LoggerContext();
    new LogConfigurator(Map.of("WEFT_LOG_LEVEL", "LOUD")::get, name -> null).configure(wrong);
    LoggerContext empty = new LoggerContext();
    new LogConfigurator(Map.of("WEFT_LOG_LEVEL", "")::get, name -> null).configure(empty);

    assertThat(debug.getLogger("io.weft.agent.Agent").isDebugEnabled()).isTrue();
    assertThat(debug.getLogger("io.netty.channel.Channel").isDebugEnabled()).isFalse();
    assertThat(wrong.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
    assertThat(empty.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
  }

  @Test
  void anOperatorsOwnConfigurationFileWins() {
    LoggerContext context = new LoggerContext();

    ExecutionStatus status = new LogConfigurator(name -> null,
        Map.of("logback.configurationFile", "/etc/weft/logback.xml")::get).configure(context);

    assertThat(status).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNull();
  }
}
