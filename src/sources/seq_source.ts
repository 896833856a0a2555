import { defineSource } from "../api/component.ts";
import { type Event, textEvent } from "../api/event.ts";
import type { Status } from "../api/lifecycle.ts";
import { int } from "../api/properties.ts";
import type { Source, SourceSender } from "../api/source.ts";

/** Flume's SequenceGeneratorSource: events whose bodies are 0, 1, 2, … */
export const SEQ_SOURCE = defineSource({
  type: "seq",
  aliases: ["org.apache.flume.source.SequenceGeneratorSource"],
  summary: "Generates events whose bodies are 0, 1, 2, … as text; for testing",
  example: `
a1.sources = s1
a1.sources.s1.type = seq
a1.sources.s1.channels = c1
a1.sources.s1.totalEvents = 1000`,
  properties: {
    batchSize: int({ default: 1, min: 1, doc: "Events per channel transaction" }),
    totalEvents: int({
      default: Number.MAX_SAFE_INTEGER,
      defaultText: "unlimited",
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
      doc: "Unique events to send, then stop",
    }),
  },
  create: ({ config, sender }) => seqSource(sender, config),
});

/**
 * A pollable source counting from 0: each poll sends the next batch and
 * waits until the channels accepted it (the sender retries a refused batch
 * on exactly the channels that lack it), so the output has exactly
 * totalEvents unique bodies, in order.
 */
export function seqSource(
  sender: SourceSender,
  options: { readonly batchSize: number; readonly totalEvents: number },
): Source {
  let next = 0;
  return {
    async poll(): Promise<Status> {
      const count = Math.min(options.batchSize, options.totalEvents - next);
      if (count <= 0) return "BACKOFF";
      const batch: Event[] = new Array(count);
      for (let i = 0; i < count; i++) batch[i] = textEvent(String(next + i));
      if (!(await sender.sendBatch(batch))) return "BACKOFF";
      next += count;
      return next >= options.totalEvents ? "BACKOFF" : "READY";
    },
  };
}
