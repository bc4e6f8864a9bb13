/**
 * IPv4 values: addresses, ranges, CIDR subnets, addresses with their prefix, and host:port pairs.
 * Pure values with no I/O; everything else builds on them.
 */
package io.weft.net;
