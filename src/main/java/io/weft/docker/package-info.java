/**
 * Following the container engine (Docker Engine API, or Podman's compatible one): the event
 * stream, the container listing that prunes allocations of containers gone while nobody
 * watched, the alive check, and the engine's state for status. The grace period of dead
 * containers is the allocator's; this package only reports what the engine says.
 *
 * <p><b>Why timers, not RxJava.</b> The pipeline (lines, events, prune after the listing,
 * reconnect with capped backoff, a ping that notices a silent engine) is written with Vert.x
 * futures and timers: {@code ContainerWatchVerticle} (198 lines) and {@code Backoff} (30), 228
 * in all. A throwaway sketch of the same pipeline with {@code vertx-rx-java3} (one
 * {@code Flowable} per connection, {@code retryWhen} for the backoff, {@code interval} for the
 * ping; not compiled, not kept) came to 158 lines, about 175 with this class's documentation:
 * shorter by a quarter, and it loses the session counter that guards against late callbacks.
 * It was not clearer: the per-container grace period, the one part shaped like a stream with
 * cancellation, lives in the pure allocator where the simulator tests it, so Rx would cover
 * only reconnecting; every timed operator must be handed the verticle's context scheduler or
 * its callback runs on an Rx thread and touches the verticle's state off the event loop (a bug
 * the timer version cannot have); and it brings a second asynchronous model (and RxJava's 3 MB)
 * into a code base that is Vert.x futures everywhere else. So the timers stay and the
 * dependency is gone.
 */
package io.weft.docker;
