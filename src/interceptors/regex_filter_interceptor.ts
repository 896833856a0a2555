import { defineInterceptor } from "../api/component.ts";
import type { Event } from "../api/event.ts";
import type { Interceptor } from "../api/interceptor.ts";
import { boolean, string } from "../api/properties.ts";
import { bodyText } from "./_body_text.ts";
import { checkRegex, compileRegex } from "./_regex.ts";

/**
 * Flume's RegexFilteringInterceptor: keeps (or, with `excludeEvents`,
 * drops) the events whose body, read as UTF-8 text, contains a match of
 * `regex`. Dropped events are counted as the source's InterceptorDropCount.
 */
export const REGEX_FILTER_INTERCEPTOR = defineInterceptor({
  type: "regex_filter",
  aliases: ["org.apache.flume.interceptor.RegexFilteringInterceptor$Builder"],
  summary:
    "Keeps or drops events whose body text contains a match of a regular expression; drops count as the source's InterceptorDropCount",
  example: `
a1.sources.r1.interceptors = i1
a1.sources.r1.interceptors.i1.type = regex_filter
a1.sources.r1.interceptors.i1.regex = "type":"heartbeat"
a1.sources.r1.interceptors.i1.excludeEvents = true`,
  properties: {
    regex: string({
      default: ".*",
      doc: "Regular expression for matching against events (anywhere in the body text)",
    }),
    excludeEvents: boolean({
      default: false,
      doc:
        "If true, regex determines events to exclude, otherwise regex determines events to include",
    }),
  },
  check: (props, report): void => checkRegex("regex", props.get("regex"), report),
  create: ({ config }): Interceptor => {
    const regex = compileRegex(config.regex);
    const keepOnMatch = !config.excludeEvents;
    return {
      intercept(events: readonly Event[]): readonly Event[] {
        return events.filter((event) => regex.test(bodyText(event)) === keepOnMatch);
      },
    };
  },
});
