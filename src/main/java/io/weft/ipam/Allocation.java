package io.weft.ipam;

import io.weft.net.PrefixedAddress;

/**
 * One address given to an ident. Only {@code container} allocations are freed when their
 * container goes away; {@code weave:expose}-style and anonymous ones stay until freed.
 */
public record Allocation(String ident, PrefixedAddress address, boolean container) {}
