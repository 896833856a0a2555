import { type Event, eventText } from "../../api/event.ts";
import {
  estimatedBytes,
  type EventSerializer,
  type SerializerDefinition,
  type SerializerOptions,
} from "./event_serializer.ts";
import { Utf8Buffer } from "./utf8_buffer.ts";

const NEWLINE: Uint8Array = Uint8Array.of(0x0a);

/**
 * Flume's BodyTextEventSerializer: the body bytes as they are, headers
 * ignored, and `\n` after each body when `appendNewline` (the default).
 */
export class BodyTextSerializer implements EventSerializer {
  readonly appendNewline: boolean;
  readonly #out = new Utf8Buffer();

  /** A serializer that appends a newline after each body unless told not to. */
  constructor(options: SerializerOptions) {
    this.appendNewline = options.appendNewline;
  }

  write(event: Event, out: Uint8Array[]): void {
    out.push(event.body);
    if (this.appendNewline) out.push(NEWLINE);
  }

  /**
   * The batch's bytes in one array: texts encoded straight into it (no
   * per-event byte array), other bodies copied as they are.
   */
  writeBatch(events: readonly Event[]): Uint8Array {
    const newline = this.appendNewline;
    const out = this.#out;
    out.reset(estimatedBytes(events, newline ? 1 : 0));
    for (const event of events) {
      const text = eventText(event);
      if (text === undefined) out.writeBytes(event.body);
      else out.write(text);
      if (newline) out.writeBytes(NEWLINE);
    }
    return out.bytes();
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
