import { defineInterceptor } from "../api/component.ts";
import type { Event } from "../api/event.ts";
import type { Interceptor } from "../api/interceptor.ts";
import { boolean, string } from "../api/properties.ts";
import { keepsExisting, withHeader } from "./_headers.ts";

/** Flume's TimestampInterceptor: the time it processes an event, in epoch milliseconds. */
export const TIMESTAMP_INTERCEPTOR = defineInterceptor({
  type: "timestamp",
  aliases: ["org.apache.flume.interceptor.TimestampInterceptor$Builder"],
  summary: "Sets a header to the time the event was processed, in epoch milliseconds",
  example: `
a1.sources.r1.interceptors = i1
a1.sources.r1.interceptors.i1.type = timestamp
a1.sources.r1.interceptors.i1.headerName = timestamp
a1.sources.r1.interceptors.i1.preserveExisting = false`,
  properties: {
    headerName: string({
      default: "timestamp",
      doc: "The name of the header in which to place the generated timestamp",
    }),
    preserveExisting: boolean({
      default: false,
      doc: "Keep the header of an event that already has one",
    }),
  },
  create: ({ config, clock }): Interceptor => ({
    intercept(events: readonly Event[]): readonly Event[] {
      const now = String(clock.now());
      for (const event of events) {
        if (!keepsExisting(event, config.headerName, config.preserveExisting)) {
          withHeader(event, config.headerName, now);
        }
      }
      return events;
    },
  }),
});
