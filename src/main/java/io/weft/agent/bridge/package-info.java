/**
 * The event-bus TCP bridge for co-located tools: vertx-tcp-eventbus-bridge framing, read by weft
 * itself so that a frame's length is checked before anything is buffered; only {@code
 * weft.ipam} (requests) and {@code weft.events} (subscriptions) are reachable.
 */
package io.weft.agent.bridge;
