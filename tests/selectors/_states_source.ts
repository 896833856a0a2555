/**
 * A test source for routing tests: it sends one batch, one event per value
 * of its `states` property, in order, each with a `state` header.
 *
 * @module
 */
import { defineSource, type SourceDefinition } from "../../src/api/component.ts";
import type { Event } from "../../src/api/event.ts";
import { list } from "../../src/api/properties.ts";

const ENCODER = new TextEncoder();

/**
 * The `states` source: event N has body `N STATE` and header
 * `state = STATE` (no header for `-`); one sendBatch() of them all.
 */
export const STATES_SOURCE: SourceDefinition = defineSource({
  type: "states",
  summary: "Test source: one event per listed state, with a state header",
  properties: { states: list({ required: true, doc: "The states, in order; - for none" }) },
  create: ({ config, sender }) => {
    let sent = false;
    return {
      async poll(): Promise<"READY" | "BACKOFF"> {
        if (sent) return "BACKOFF";
        const events = config.states.map((state, i): Event => ({
          headers: state === "-" ? {} : { state },
          body: ENCODER.encode(`${i} ${state}`),
        }));
        sent = await sender.sendBatch(events);
        return "BACKOFF";
      },
    };
  },
});
