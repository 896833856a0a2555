/**
 * The serializers a file sink can write with (`sink.serializer`), found by
 * name case-insensitively.
 *
 * @module
 */
import { BODY_TEXT_SERIALIZER } from "./body_text_serializer.ts";
import type { SerializerDefinition } from "./event_serializer.ts";
import { JSON_SERIALIZER } from "./json_serializer.ts";

export type {
  EventSerializer,
  SerializerDefinition,
  SerializerOptions,
} from "./event_serializer.ts";

/** Every built-in serializer. */
export const SERIALIZERS: readonly SerializerDefinition[] = Object.freeze([
  BODY_TEXT_SERIALIZER,
  JSON_SERIALIZER,
]);

/** The serializer called `name` (a name or alias, any case), if there is one. */
export function findSerializer(name: string): SerializerDefinition | undefined {
  const wanted = name.trim().toLowerCase();
  return SERIALIZERS.find((s) => [s.name, ...s.aliases].some((n) => n.toLowerCase() === wanted));
}

/** The canonical serializer names, for messages: `TEXT, json`. */
export function serializerNames(): string {
  return SERIALIZERS.map((s) => s.name).join(", ");
}
