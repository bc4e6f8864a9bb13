package io.weft.agent;

/** The version of this build, from the jar's manifest. */
public final class Version {
  private Version() {}

  public static String text() {
    String version = Version.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
