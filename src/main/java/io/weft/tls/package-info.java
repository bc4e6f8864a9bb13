/**
 * The cluster's X.509 material: making a CA and host certificates (Bouncy Castle), and reading
 * and checking the three PEM files an agent is given (certificate, key, CA) before it starts.
 */
package io.weft.tls;
