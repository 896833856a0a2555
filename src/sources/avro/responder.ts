import {
  AvroReader,
  CallError,
  encodeResponse,
  readCallHeader,
  readEvents,
  readHandshakeRequest,
} from "../../avro/call.ts";
import type { FramedConnection } from "../../avro/framed_connection.ts";
import { type HandshakeRequest, type HandshakeResponse, sameHash } from "../../avro/handshake.ts";
import {
  type AvroFlumeEvent,
  type AvroStatus,
  PROTOCOL_MD5,
  PROTOCOL_TEXT,
} from "../../avro/protocol.ts";

/** What the responder hands the events of one call to. */
export type AppendHandler = (events: AvroFlumeEvent[]) => Promise<AvroStatus>;

/**
 * Answers the calls of one connection, one at a time, as Avro's Responder
 * on a stateful transport: the first request carries a handshake; a client
 * whose protocol hash is unknown and that sent no protocol gets NONE (and
 * our protocol) and sends again; then `appendBatch` and `append` go to
 * `handle`, whose Status is the answer. A call that does not decode gets a
 * system error; the connection stays usable, as its frames are intact.
 * Resolves when the client closes; throws on broken framing.
 */
export async function respond(connection: FramedConnection, handle: AppendHandler): Promise<void> {
  let handshaken = false;
  for (;;) {
    const frame = await connection.receive();
    if (frame === null) return;
    const reader = new AvroReader(frame.payload);
    let handshake: HandshakeResponse | undefined;
    let result: { status: AvroStatus } | { error: string } | undefined;
    try {
      if (!handshaken) {
        handshake = answerHandshake(readHandshakeRequest(reader));
        handshaken = handshake.match !== "NONE";
      }
      if (handshaken) result = await call(reader, handle);
    } catch (err) {
      if (!(err instanceof CallError)) throw err;
      result = { error: err.message };
    }
    await connection.send(frame.serial, encodeResponse(handshake, result));
  }
}

async function call(
  reader: AvroReader,
  handle: AppendHandler,
): Promise<{ status: AvroStatus } | { error: string }> {
  const message = readCallHeader(reader);
  if (message !== "appendBatch" && message !== "append") {
    return { error: `No message named ${message} in AvroSourceProtocol` };
  }
  return { status: await handle(readEvents(reader, message === "appendBatch")) };
}

/** Our answer to a client's handshake. */
export function answerHandshake(request: HandshakeRequest): HandshakeResponse {
  const known = sameHash(request.clientHash, PROTOCOL_MD5) ||
    (request.clientProtocol !== null && isAvroSourceProtocol(request.clientProtocol));
  if (!known) {
    return { match: "NONE", serverProtocol: PROTOCOL_TEXT, serverHash: PROTOCOL_MD5, meta: null };
  }
  if (sameHash(request.serverHash, PROTOCOL_MD5)) {
    return { match: "BOTH", serverProtocol: null, serverHash: null, meta: null };
  }
  return { match: "CLIENT", serverProtocol: PROTOCOL_TEXT, serverHash: PROTOCOL_MD5, meta: null };
}

/** True when `text` is a protocol with Flume's messages (another version's doc, say). */
function isAvroSourceProtocol(text: string): boolean {
  try {
    const protocol = JSON.parse(text) as { messages?: Record<string, unknown> };
    return protocol.messages?.appendBatch !== undefined && protocol.messages?.append !== undefined;
  } catch {
    return false;
  }
}
