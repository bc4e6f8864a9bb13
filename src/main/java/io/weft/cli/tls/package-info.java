/** {@code weft tls}: the commands that make the cluster CA and the host certificates. */
package io.weft.cli.tls;
