/**
 * The ring view: a read-only page at {@code GET /ui} that draws who owns how much of the range,
 * which owners are out of reach, the consensus state and the agent's events as they happen.
 *
 * <p>{@link io.weft.agent.ipam.RingView} turns the allocator's ring into the JSON the page draws (also
 * served to tools as {@code GET /status/ring}); {@link io.weft.ui.EventFeed} keeps the agent's
 * latest events and pushes new ones to open pages as server-sent events;
 * {@link io.weft.ui.UiRoutes} mounts the page, its assets (inside the jar, nothing from the
 * internet) and the event stream on the HTTP API's router. Nothing here changes any state.
 */
package io.weft.ui;
