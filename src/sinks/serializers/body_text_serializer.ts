import { type Event, eventText } from "../../api/event.ts";
import { concatBytes } from "../../util/bytes.ts";
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
  readonly #encoder = new TextEncoder();

  /** A serializer that appends a newline after each body unless told not to. */
  constructor(options: SerializerOptions) {
    this.appendNewline = options.appendNewline;
  }

  write(event: Event, out: Uint8Array[]): void {
    out.push(event.body);
    if (this.appendNewline) out.push(NEWLINE);
  }

  /**
   * The batch's bytes; runs of events that arrived as text are joined and
   * encoded once (no per-event byte array), the others copied as they are.
   */
  writeBatch(events: readonly Event[]): Uint8Array {
    const newline = this.appendNewline ? "\n" : "";
    const chunks: Uint8Array[] = [];
    let text = "";
    for (const event of events) {
      const eventString = eventText(event);
      if (eventString !== undefined) {
        text += eventString + newline;
        continue;
      }
      if (text) chunks.push(this.#encoder.encode(text));
      text = "";
      this.write(event, chunks);
    }
    if (text) chunks.push(this.#encoder.encode(text));
    return concatBytes(chunks);
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
