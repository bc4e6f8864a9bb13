/**
 * Docker's remote IPAM driver, served by the agent: {@code docker network create --ipam-driver
 * weft NET} gets its pool and every endpoint's address from weft's ring.
 *
 * <p>Docker speaks libnetwork's remote IPAM protocol (JSON POSTs such as
 * {@code /IpamDriver.RequestAddress}) on a unix socket it finds by name under
 * {@code /run/docker/plugins}. {@link IpamDriverVerticle} serves that socket only, never a network
 * port, and answers every request, malformed or not, with JSON ({@code {"Err": "…"}} on failure):
 * Docker retries a dropped connection with an empty body, so dropping one only hides the error.
 *
 * <p>Idents. Every address handed to Docker is its own allocation under a fresh ident,
 * {@code docker-ep.<pool>.<nonce>} for an endpoint and {@code docker-gw.<pool>.<nonce>} for a
 * gateway ({@link DriverIdent}); an ident holds one address per subnet, so a shared per-pool
 * ident could not hold a network's many endpoints. Weave allocated anonymously instead; named
 * idents show in {@code GET /ip} which pool an address serves, and let the agent find every
 * address it gave Docker, which is what {@link Reconcile} needs: Docker's remote protocol names no
 * container, so an address whose release Docker could not deliver (the agent was down) is found
 * by comparing the driver's idents with the endpoints Docker's networks list, each time the
 * container watcher (re)connects.
 *
 * <p>Gateways are allocations like any other, so no container is ever given one, and each host's
 * agent allocates its own for a network that spans hosts.
 */
package io.weft.dockerplugin;
