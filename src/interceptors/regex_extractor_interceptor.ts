import { defineInterceptor } from "../api/component.ts";
import type { Event } from "../api/event.ts";
import type { Interceptor } from "../api/interceptor.ts";
import { list, string } from "../api/properties.ts";
import { bodyText } from "./_body_text.ts";
import {
  buildSerializers,
  checkSerializers,
  MILLIS_SERIALIZER,
  PASS_THROUGH_SERIALIZER,
} from "./_extractor_serializers.ts";
import { DATE_PATTERN_LETTERS } from "./_date_pattern.ts";
import { withHeaders } from "./_headers.ts";
import { checkRegex, compileRegex } from "./_regex.ts";

/** Match-group values a millis serializer could not read as a date (no header set). */
export const REGEX_EXTRACTOR_SKIP_COUNT = "RegexExtractorSkipCount";

/**
 * Flume's RegexExtractorInterceptor: the first match of `regex` in the body
 * text; match group N goes to the header that the Nth listed serializer
 * names, written as it is or, by the millis serializer, as epoch
 * milliseconds. Groups beyond the serializers, and groups that did not
 * take part in the match, set nothing.
 */
export const REGEX_EXTRACTOR_INTERCEPTOR = defineInterceptor({
  type: "regex_extractor",
  aliases: ["org.apache.flume.interceptor.RegexExtractorInterceptor$Builder"],
  summary: "Copies the match groups of a regular expression on the body text into headers",
  example: `
a1.sources.r1.interceptors = i1
a1.sources.r1.interceptors.i1.type = regex_extractor
a1.sources.r1.interceptors.i1.regex = ^(\\\\d\\\\d\\\\d\\\\d-\\\\d\\\\d-\\\\d\\\\d \\\\d\\\\d:\\\\d\\\\d) (\\\\w+)
a1.sources.r1.interceptors.i1.serializers = s1 s2
a1.sources.r1.interceptors.i1.serializers.s1.type = ${MILLIS_SERIALIZER}
a1.sources.r1.interceptors.i1.serializers.s1.name = timestamp
a1.sources.r1.interceptors.i1.serializers.s1.pattern = yyyy-MM-dd HH:mm
a1.sources.r1.interceptors.i1.serializers.s1.timeZone = UTC
a1.sources.r1.interceptors.i1.serializers.s2.name = level`,
  properties: {
    regex: string({ required: true, doc: "Regular expression for matching against events" }),
    serializers: list({
      required: true,
      doc: "Space-separated list of serializers: the Nth maps match group N to a header",
    }),
  },
  patterns: [
    {
      pattern: /^serializers\.[^.]+\.name$/,
      display: "serializers.NAME.name",
      kind: "string",
      doc: "The header the serializer's match group goes to (required)",
    },
    {
      pattern: /^serializers\.[^.]+\.type$/,
      display: "serializers.NAME.type",
      kind: "string",
      doc:
        `default (${PASS_THROUGH_SERIALIZER}: the text as matched) or ${MILLIS_SERIALIZER} (a date, as epoch milliseconds); default: default`,
    },
    {
      pattern: /^serializers\.[^.]+\.pattern$/,
      display: "serializers.NAME.pattern",
      kind: "string",
      doc:
        `For the millis serializer (required there): a Joda/SimpleDateFormat pattern such as yyyy-MM-dd HH:mm; letters ${DATE_PATTERN_LETTERS}, 'quoted' text literal; a value that does not fit sets no header and counts as the source's ${REGEX_EXTRACTOR_SKIP_COUNT}`,
    },
    {
      pattern: /^serializers\.[^.]+\.timeZone$/,
      display: "serializers.NAME.timeZone",
      kind: "string",
      doc:
        "For the millis serializer, beyond Flume: the zone the dates are in (IANA name or +HH:MM); default: UTC",
    },
  ],
  check: (props, report): void => {
    checkRegex("regex", props.get("regex"), report);
    const listed = props.get("serializers");
    if (listed === undefined) return;
    if (listed.length === 0) {
      report({
        property: "serializers",
        message: `Invalid serializers "${props.raw("serializers")}": expected at least one name`,
      });
    }
    checkSerializers(props, listed, report);
    const regex = props.get("regex");
    if (regex !== undefined && props.isValid("regex")) {
      warnOfSpareSerializers(regex, listed, report);
    }
  },
  create: ({ config, properties, counters }): Interceptor => {
    const regex = compileRegex(config.regex);
    const serializers = buildSerializers(properties, config.serializers);
    const groups = Math.min(serializers.length, groupCount(regex));
    const skipped = counters.cell(REGEX_EXTRACTOR_SKIP_COUNT);
    return {
      intercept(events: readonly Event[]): readonly Event[] {
        for (const event of events) {
          const match = regex.exec(bodyText(event));
          if (!match) continue;
          let changes: Record<string, string> | undefined;
          for (let g = 1; g <= groups; g++) {
            if (match[g] === undefined) continue;
            const value = serializers[g - 1].serialize(match[g]);
            if (value === undefined) skipped.value++;
            else (changes ??= {})[serializers[g - 1].header] = value;
          }
          if (changes) withHeaders(event, changes);
        }
        return events;
      },
    };
  },
});

/** The number of capture groups in `regex`. */
function groupCount(regex: RegExp): number {
  return new RegExp(`${regex.source}|`, regex.flags).exec("")!.length - 1;
}

function warnOfSpareSerializers(
  source: string,
  listed: readonly string[],
  report: (p: { severity: "warning"; property: string; message: string }) => void,
): void {
  let groups: number;
  try {
    groups = groupCount(compileRegex(source));
  } catch {
    return; // reported by checkRegex
  }
  if (listed.length > groups) {
    report({
      severity: "warning",
      property: "serializers",
      message: `The regex has ${groups} match group(s): serializer(s) ${
        listed.slice(groups).join(", ")
      } will never set a header`,
    });
  }
}
