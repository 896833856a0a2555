import { defineInterceptor } from "../api/component.ts";
import type { Event } from "../api/event.ts";
import type { Interceptor } from "../api/interceptor.ts";
import { boolean, list } from "../api/properties.ts";
import { bodyText } from "./_body_text.ts";
import { withHeaders } from "./_headers.ts";

/** Events whose body is not a JSON object: passed on unchanged, and counted here. */
export const JSON_EXTRACTOR_SKIP_COUNT = "JsonExtractorSkipCount";

/** One field to copy: its path and its header. */
interface Field {
  readonly path: readonly string[];
  readonly header: string;
}

/**
 * Beyond Flume, for WebSocket feeds: copies fields of a JSON object body
 * into headers, so that a selector, a sink path or a later interceptor can
 * use them. A string is copied as it is, anything else (number, boolean,
 * null, object, array) as its JSON text; a missing field sets no header.
 */
export const JSON_EXTRACTOR_INTERCEPTOR = defineInterceptor({
  type: "json_extractor",
  summary:
    "Copies named fields of a JSON object body (nested paths with dots) into headers; other bodies pass unchanged, counted as the source's JsonExtractorSkipCount",
  example: `
a1.sources.r1.interceptors = i1
a1.sources.r1.interceptors.i1.type = json_extractor
a1.sources.r1.interceptors.i1.fields = type product_id data.symbol
a1.sources.r1.interceptors.i1.header.data.symbol = symbol
a1.sources.r1.interceptors.i1.preserveExisting = false`,
  properties: {
    fields: list({
      required: true,
      doc:
        "The fields to copy, as paths of names separated by dots (data.symbol; data.0 for an array's first)",
    }),
    preserveExisting: boolean({
      default: false,
      doc: "Keep a header the event already has instead of overwriting it",
    }),
  },
  patterns: [
    {
      pattern: /^header\..+$/,
      display: "header.PATH",
      kind: "string",
      doc:
        "The header a listed field goes to; default: the path itself (header.data.symbol = symbol)",
    },
  ],
  check: (props, report): void => {
    const fields = props.get("fields");
    if (fields === undefined) return;
    if (fields.length === 0) {
      report({
        property: "fields",
        message: `Invalid fields "${props.raw("fields")}": expected at least one field path`,
      });
    }
    for (const path of fields) {
      if (path.split(".").some((name) => name === "")) {
        report({
          property: "fields",
          message: `Invalid field path "${path}": empty name between dots`,
        });
      }
    }
    for (const [name, raw] of props.matching(/^header\./)) {
      const path = name.slice("header.".length);
      if (!fields.includes(path)) {
        report({
          severity: "warning",
          property: name,
          message: `Field "${path}" is not listed in fields: ignored`,
          hint: `add ${path} to fields`,
        });
      } else if (raw.value.trim() === "") {
        report({ property: name, message: `Invalid ${name} "": expected a header name` });
      }
    }
  },
  create: ({ config, properties, counters }): Interceptor => {
    const fields: Field[] = config.fields.map((path) => ({
      path: path.split("."),
      header: properties.raw(`header.${path}`)?.trim() ?? path,
    }));
    const skipped = counters.cell(JSON_EXTRACTOR_SKIP_COUNT);
    return {
      intercept(events: readonly Event[]): readonly Event[] {
        for (const event of events) {
          const body = parseObject(bodyText(event));
          if (body === undefined) {
            skipped.value++;
            continue;
          }
          let changes: Record<string, string> | undefined;
          for (const field of fields) {
            if (config.preserveExisting && Object.hasOwn(event.headers, field.header)) continue;
            const value = lookUp(body, field.path);
            if (value !== undefined) (changes ??= {})[field.header] = headerValue(value);
          }
          if (changes) withHeaders(event, changes);
        }
        return events;
      },
    };
  },
});

/** The body as a JSON object; undefined when it is not JSON or not an object. */
function parseObject(text: string): Record<string, unknown> | undefined {
  let i = 0;
  while (
    i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")
  ) i++;
  if (text[i] !== "{") return undefined; // not an object: no need to parse
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? value as Record<string, unknown>
      : undefined;
  } catch {
    return undefined;
  }
}

/** The value at `path` (own properties of objects and arrays); undefined when missing. */
function lookUp(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const name of path) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, name)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

function headerValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
