import type { Event } from "../../api/event.ts";
import type {
  EventSerializer,
  SerializerDefinition,
  SerializerOptions,
} from "./event_serializer.ts";

const NEWLINE: Uint8Array = Uint8Array.of(0x0a);

/**
 * Flume's BodyTextEventSerializer: the body bytes as they are, headers
 * ignored, and `\n` after each body when `appendNewline` (the default).
 */
export class BodyTextSerializer implements EventSerializer {
  readonly appendNewline: boolean;

  /** A serializer that appends a newline after each body unless told not to. */
  constructor(options: SerializerOptions) {
    this.appendNewline = options.appendNewline;
  }

  write(event: Event, out: Uint8Array[]): void {
    out.push(event.body);
    if (this.appendNewline) out.push(NEWLINE);
  }
}

/** The `TEXT` serializer type, Flume's default for file_roll. */
export const BODY_TEXT_SERIALIZER: SerializerDefinition = {
  name: "TEXT",
  aliases: ["org.apache.flume.serialization.BodyTextEventSerializer$Builder"],
  summary: "The body bytes as they are, plus a newline unless appendNewline = false",
  usesAppendNewline: true,
  create(options: SerializerOptions): EventSerializer {
    return new BodyTextSerializer(options);
  },
};
