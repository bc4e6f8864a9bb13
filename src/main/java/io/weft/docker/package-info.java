/**
 * Following the container engine (Docker Engine API, or Podman's compatible one): the event
 * stream, the container listing that prunes allocations of containers gone while nobody
 * watched, the alive check, and the engine's state for status. The grace period of dead
 * containers is the allocator's; this package only reports what the engine says.
 */
package io.weft.docker;
