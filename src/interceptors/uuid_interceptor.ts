import { defineInterceptor } from "../api/component.ts";
import type { Event } from "../api/event.ts";
import type { Interceptor } from "../api/interceptor.ts";
import { boolean, string } from "../api/properties.ts";
import { keepsExisting, withHeader } from "./_headers.ts";

/** Flume's UUIDInterceptor (from its morphline module): a random UUID per event. */
export const UUID_INTERCEPTOR = defineInterceptor({
  type: "uuid",
  aliases: ["org.apache.flume.sink.solr.morphline.UUIDInterceptor$Builder"],
  summary: "Sets a header to a random (version 4) UUID, optionally prefixed, on every event",
  example: `
a1.sources.r1.interceptors = i1
a1.sources.r1.interceptors.i1.type = org.apache.flume.sink.solr.morphline.UUIDInterceptor$Builder
a1.sources.r1.interceptors.i1.headerName = id
a1.sources.r1.interceptors.i1.prefix = feed-
a1.sources.r1.interceptors.i1.preserveExisting = true`,
  properties: {
    headerName: string({ default: "id", doc: "The name of the Flume header to modify" }),
    preserveExisting: boolean({
      default: true,
      doc: "Keep the header of an event that already has one",
    }),
    prefix: string({
      default: "",
      defaultText: "none",
      doc: "The prefix string constant to prepend to each generated UUID",
    }),
  },
  create: ({ config }): Interceptor => ({
    intercept(events: readonly Event[]): readonly Event[] {
      for (const event of events) {
        if (!keepsExisting(event, config.headerName, config.preserveExisting)) {
          withHeader(event, config.headerName, config.prefix + crypto.randomUUID());
        }
      }
      return events;
    },
  }),
});
