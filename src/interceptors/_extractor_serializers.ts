import type { CheckedProperties, PropertyDecls, Reporter } from "../api/properties.ts";
import { compileDatePattern, DATE_PATTERN_LETTERS } from "./_date_pattern.ts";
import { zoneToInstant } from "./_time_zone.ts";

/** Flume's pass-through serializer: the matched text as it is. */
export const PASS_THROUGH_SERIALIZER =
  "org.apache.flume.interceptor.RegexExtractorInterceptorPassThroughSerializer";
/** Flume's millis serializer: a date read with `pattern`, as epoch milliseconds. */
export const MILLIS_SERIALIZER =
  "org.apache.flume.interceptor.RegexExtractorInterceptorMillisSerializer";

/** One match group's header, and how its value is written. */
export interface ExtractorSerializer {
  /** The header the group's value goes to. */
  readonly header: string;
  /** The header value for a group's text; undefined when it cannot be read (a bad date). */
  serialize(value: string): string | undefined;
}

/** The serializer `serializers.NAME.type` names: `passThrough`, `millis`, or undefined when unknown. */
function serializerKind(type: string | undefined): "passThrough" | "millis" | undefined {
  const name = (type ?? "default").trim().toLowerCase();
  if (name === "default" || name === PASS_THROUGH_SERIALIZER.toLowerCase()) return "passThrough";
  if (name === MILLIS_SERIALIZER.toLowerCase()) return "millis";
  return undefined;
}

/** What a serializer's properties read. */
function keys(name: string): { name: string; type: string; pattern: string; timeZone: string } {
  const at = `serializers.${name}.`;
  return {
    name: `${at}name`,
    type: `${at}type`,
    pattern: `${at}pattern`,
    timeZone: `${at}timeZone`,
  };
}

/**
 * Reports what is wrong with the serializers `serializers` lists: one
 * without a name, an unknown type, a millis serializer without a valid
 * pattern or with an unknown timeZone; warns of properties of serializers
 * that are not listed, and of ones that their type ignores.
 */
export function checkSerializers(
  props: CheckedProperties<PropertyDecls>,
  listed: readonly string[],
  report: Reporter,
): void {
  for (const serializer of listed) {
    const key = keys(serializer);
    if ((props.raw(key.name) ?? "").trim() === "") {
      report({
        property: props.has(key.name) ? key.name : "serializers",
        message: `Serializer "${serializer}" has no header name`,
        hint: `set serializers.${serializer}.name`,
      });
    }
    const kind = serializerKind(props.raw(key.type));
    if (kind === undefined) {
      report({
        property: key.type,
        message: `Unknown serializer type "${props.raw(key.type)}"`,
        hint: `use default or ${MILLIS_SERIALIZER}`,
      });
    } else if (kind === "millis") {
      checkMillis(props, serializer, report);
    } else {
      for (const extra of [key.pattern, key.timeZone]) {
        if (props.has(extra)) {
          report({
            severity: "warning",
            property: extra,
            message: `Property "${extra}" is for the millis serializer only: ignored`,
          });
        }
      }
    }
  }
  for (const [name] of props.matching(/^serializers\.[^.]+\./)) {
    const serializer = name.split(".")[1];
    if (!listed.includes(serializer)) {
      report({
        severity: "warning",
        property: name,
        message: `Serializer "${serializer}" is not listed in serializers: ignored`,
        hint: `add ${serializer} to serializers`,
      });
    }
  }
}

function checkMillis(
  props: CheckedProperties<PropertyDecls>,
  serializer: string,
  report: Reporter,
): void {
  const key = keys(serializer);
  const pattern = props.raw(key.pattern);
  if (pattern === undefined || pattern.trim() === "") {
    report({
      property: props.has(key.pattern) ? key.pattern : key.type,
      message: `The millis serializer "${serializer}" needs a date pattern`,
      hint: `set ${key.pattern}, e.g. yyyy-MM-dd HH:mm:ss`,
    });
  } else {
    try {
      compileDatePattern(pattern);
    } catch (err) {
      report({
        property: key.pattern,
        message: `Invalid ${key.pattern} "${pattern}": ${(err as Error).message}`,
        hint: `pattern letters supported: ${DATE_PATTERN_LETTERS}`,
      });
    }
  }
  const timeZone = props.raw(key.timeZone);
  if (timeZone !== undefined) {
    try {
      zoneToInstant(timeZone.trim());
    } catch {
      report({
        property: key.timeZone,
        message: `Invalid ${key.timeZone} "${timeZone}": unknown time zone`,
        hint: "use an IANA name (Europe/Paris), UTC, or an offset (+02:00)",
      });
    }
  }
}

/** The serializers of a checked configuration, in the order `serializers` lists them. */
export function buildSerializers(
  props: { raw(name: string): string | undefined },
  listed: readonly string[],
): ExtractorSerializer[] {
  return listed.map((serializer) => {
    const key = keys(serializer);
    const header = props.raw(key.name)!.trim();
    if (serializerKind(props.raw(key.type)) !== "millis") {
      return { header, serialize: (value: string): string => value };
    }
    const pattern = compileDatePattern(props.raw(key.pattern)!);
    const toInstant = zoneToInstant(props.raw(key.timeZone)?.trim() ?? "UTC");
    return {
      header,
      serialize(value: string): string | undefined {
        const wall = pattern.parse(value);
        return wall === undefined ? undefined : String(toInstant(wall));
      },
    };
  });
}
