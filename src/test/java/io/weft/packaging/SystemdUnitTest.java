package io.weft.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The systemd unit parses cleanly. systemd-analyze exits 0 even on parse errors, so any line
 * it prints fails the test.
 */
class SystemdUnitTest {
  static final Path UNIT = Path.of("systemd/weft.service");

  @Test
  void verifiesWithoutAWarning() throws Exception {
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    assumeTrue(Files.isExecutable(analyze),
        "systemd-analyze is not installed here; .ci/run installs it");
    Process p = new ProcessBuilder(analyze.toString(), "verify", UNIT.toAbsolutePath().toString())
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(output).as("systemd-analyze verify output").isEmpty();
    assertThat(p.exitValue()).isZero();
  }

  @Test
  void runsTheJarWithTheShippedConfigAndKeepsStateInVarLibWeft() throws Exception {
    String unit = Files.readString(UNIT);
    assertThat(unit).contains("launch --config /etc/weft/weft.yaml")
        .contains("StateDirectory=weft").contains("Restart=on-failure")
        .contains("SuccessExitStatus=143").contains("NoNewPrivileges=yes");
  }
}
