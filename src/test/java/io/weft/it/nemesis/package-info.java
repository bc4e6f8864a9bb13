/**
 * A Jepsen-style check of real agents under faults: the history of client operations
 * ({@link io.weft.it.nemesis.Op}), the faults applied ({@link io.weft.it.nemesis.Fault}), the state
 * read from every agent at the end ({@link io.weft.it.nemesis.FinalState}), the
 * {@link io.weft.it.nemesis.Checker} that judges them, and the report with its timeline picture.
 *
 * <p>The checker is pure: it never talks to an agent, so it is tested on hand-made histories,
 * including ones that must fail. {@code io.weft.it.NemesisIT} runs the agents and the faults.
 *
 * <p>Test hook: an agent started with the system property {@code weft.test.hook=skip-store}
 * answers requests without writing them to its data directory (read only by
 * {@code io.weft.agent.ipam.TestHooks}). It exists so that NemesisIT can prove the checker catches
 * an agent that answers before its state is durable: after a {@code kill -9} the answered
 * allocations are gone.
 */
package io.weft.it.nemesis;
