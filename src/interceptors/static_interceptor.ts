import { defineInterceptor } from "../api/component.ts";
import type { Event } from "../api/event.ts";
import type { Interceptor } from "../api/interceptor.ts";
import { boolean, string } from "../api/properties.ts";
import { keepsExisting, withHeader } from "./_headers.ts";

/** Flume's StaticInterceptor: one fixed header on every event. */
export const STATIC_INTERCEPTOR = defineInterceptor({
  type: "static",
  aliases: ["org.apache.flume.interceptor.StaticInterceptor$Builder"],
  summary: "Sets one header to a fixed value on every event (chain several for several headers)",
  example: `
a1.sources.r1.interceptors = i1
a1.sources.r1.interceptors.i1.type = static
a1.sources.r1.interceptors.i1.key = datacenter
a1.sources.r1.interceptors.i1.value = NEW_YORK
a1.sources.r1.interceptors.i1.preserveExisting = true`,
  properties: {
    key: string({ default: "key", doc: "Name of header that should be created" }),
    value: string({ default: "value", doc: "Static value that should be created" }),
    preserveExisting: boolean({
      default: true,
      doc: "Keep the header of an event that already has one",
    }),
  },
  create: ({ config }): Interceptor => ({
    intercept(events: readonly Event[]): readonly Event[] {
      for (const event of events) {
        if (!keepsExisting(event, config.key, config.preserveExisting)) {
          withHeader(event, config.key, config.value);
        }
      }
      return events;
    },
  }),
});
