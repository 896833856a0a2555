import { defineInterceptor } from "../api/component.ts";
import type { Event } from "../api/event.ts";
import type { Interceptor } from "../api/interceptor.ts";
import { string } from "../api/properties.ts";
import { checkRegex, compileRegex, splitByRegex } from "./_regex.ts";

/** Flume's RemoveHeaderInterceptor: removes headers by name, by list or by pattern. */
export const REMOVE_HEADER_INTERCEPTOR = defineInterceptor({
  type: "remove_header",
  aliases: ["org.apache.flume.interceptor.RemoveHeaderInterceptor$Builder"],
  summary:
    "Removes headers named by withName, listed in fromList, or whose whole name matches matching",
  example: `
a1.sources.r1.interceptors = i1
a1.sources.r1.interceptors.i1.type = remove_header
a1.sources.r1.interceptors.i1.withName = password
a1.sources.r1.interceptors.i1.fromList = trace, span , debug
a1.sources.r1.interceptors.i1.fromListSeparator = \\\\s*,\\\\s*
a1.sources.r1.interceptors.i1.matching = ^x-.*`,
  properties: {
    withName: string({ doc: "Name of the header to remove" }),
    fromList: string({
      doc: "List of headers to remove, separated with the separator specified by fromListSeparator",
    }),
    fromListSeparator: string({
      default: "\\s*,\\s*",
      doc:
        "Regular expression used to separate multiple header names in the list specified by fromList",
    }),
    matching: string({
      doc: "All the headers whose names match this regular expression (the whole name) are removed",
    }),
  },
  check: (props, report): void => {
    checkRegex("fromListSeparator", props.get("fromListSeparator"), report);
    checkRegex("matching", props.get("matching"), report);
    if (!props.has("withName") && !props.has("fromList") && !props.has("matching")) {
      report({
        severity: "warning",
        message: "The remove_header interceptor removes nothing: events pass unchanged",
        hint: "set withName, fromList or matching",
      });
    }
  },
  create: ({ config }): Interceptor => {
    const names = new Set<string>();
    if (config.withName !== undefined) names.add(config.withName);
    if (config.fromList !== undefined) {
      for (const name of splitByRegex(config.fromList, compileRegex(config.fromListSeparator))) {
        names.add(name);
      }
    }
    const matching = config.matching === undefined
      ? undefined
      : compileRegex(config.matching, { anchored: true });
    const removes = (name: string): boolean => names.has(name) || (matching?.test(name) ?? false);
    return {
      intercept(events: readonly Event[]): readonly Event[] {
        if (names.size === 0 && matching === undefined) return events;
        for (const event of events) removeFrom(event, removes);
        return events;
      },
    };
  },
});

/** Gives `event` fresh headers without those `removes` picks; unchanged when it picks none. */
function removeFrom(event: Event, removes: (name: string) => boolean): void {
  let kept: Record<string, string> | undefined;
  for (const name in event.headers) {
    if (!removes(name)) continue;
    kept ??= { ...event.headers };
    delete kept[name];
  }
  if (kept) event.headers = kept;
}
