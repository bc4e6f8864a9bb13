package io.weft.cli;

import io.weft.net.HostPort;
import io.weft.net.Cidr;
import io.weft.net.PrefixedAddress;
import io.weft.ring.PeerName;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parsers for flag values. A failure becomes picocli's "Invalid value for option '--x': ..."
 * with exit code 2, so each message only has to say what is wrong with the value.
 */
final class Converters {
  private Converters() {}

  /** Wraps a parser so that its IllegalArgumentException reads as a usage error. */
  private static <T> T convert(java.util.function.Function<String, T> parser, String text) {
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  static final class CidrConverter implements ITypeConverter<Cidr> {
    @Override
    public Cidr convert(String value) {
      return Converters.convert(Cidr::parse, value);
    }
  }

  static final class PrefixedAddressConverter implements ITypeConverter<PrefixedAddress> {
    @Override
    public PrefixedAddress convert(String value) {
      return Converters.convert(PrefixedAddress::parse, value);
    }
  }

  static final class PeerNameConverter implements ITypeConverter<PeerName> {
    @Override
    public PeerName convert(String value) {
      return Converters.convert(PeerName::parse, value);
    }
  }

  /** {@code host:port}; the port is required. */
  static final class HostPortConverter implements ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
      return Converters.convert(v -> HostPort.parse(v, -1), value);
    }
  }

  static final class PortConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      return Converters.convert(v -> HostPort.parsePort(v, v), value);
    }
  }
}
