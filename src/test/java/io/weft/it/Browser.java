package io.weft.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium driven through the system's chromedriver (Debian: {@code chromium} and
 * {@code chromium-driver}); nothing is downloaded. Without them a test skips, unless
 * {@code WEFT_REQUIRE_BROWSER=1} says CI installed them: then it fails.
 */
final class Browser implements AutoCloseable {
  static final Path DRIVER = Path.of(env("WEFT_CHROMEDRIVER", "/usr/bin/chromedriver"));
  static final Path CHROMIUM = Path.of(env("WEFT_CHROMIUM", "/usr/bin/chromium"));

  final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  private static String env(String name, String otherwise) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? otherwise : value;
  }

  /** Skips the test (or fails it when a browser is required) if there is none to drive. */
  static void assumeAvailable() {
    boolean present = Files.isExecutable(DRIVER) && Files.isExecutable(CHROMIUM);
    String missing = DRIVER + " or " + CHROMIUM + " is missing: apt-get install chromium"
        + " chromium-driver (or set WEFT_CHROMEDRIVER and WEFT_CHROMIUM)";
    if (!present && "1".equals(System.getenv("WEFT_REQUIRE_BROWSER"))) {
      Assertions.fail("WEFT_REQUIRE_BROWSER=1 but " + missing);
    }
    Assumptions.assumeTrue(present, missing);
  }

  static Browser open(int width, int height) throws IOException {
    assumeAvailable();
    Path profile = Files.createTempDirectory("weft-chromium");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--hide-scrollbars", "--no-first-run", "--user-data-dir=" + profile,
        "--window-size=" + width + "," + height);
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60))
        .scriptTimeout(Duration.ofSeconds(30));
    return new Browser(driver, profile);
  }

  /** Runs a script in the page and returns what it returns. */
  @SuppressWarnings("unchecked")
  <T> T script(String js, Object... args) {
    return (T) ((JavascriptExecutor) driver).executeScript(js, args);
  }

  void resize(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /** Waits, reading the page again and again, until {@code condition} holds. */
  void await(Duration timeout, BooleanSupplier condition, String what) {
    AgentProcess.await(timeout, () -> {
      try {
        return condition.getAsBoolean();
      } catch (org.openqa.selenium.StaleElementReferenceException redrawn) {
        return false;
      }
    }, what);
  }

  /** Writes what the window shows now as a PNG. */
  Path screenshot(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    return file;
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
