/** WebSocket opcodes (RFC 6455 §5.2). */
export const OPCODE = { text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

const ENCODER = new TextEncoder();
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** Sec-WebSocket-Accept for a client's Sec-WebSocket-Key. */
export async function acceptKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", ENCODER.encode(key + GUID));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

/** An unmasked server frame (FIN set). */
export function serverFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const frame = new Uint8Array(head + n);
  frame[0] = 0x80 | opcode;
  if (n < 126) frame[1] = n;
  else if (n < 65536) {
    frame[1] = 126;
    new DataView(frame.buffer).setUint16(2, n);
  } else {
    frame[1] = 127;
    new DataView(frame.buffer).setBigUint64(2, BigInt(n));
  }
  frame.set(payload, head);
  return frame;
}

/** A text frame. */
export function textFrame(text: string): Uint8Array {
  return serverFrame(OPCODE.text, ENCODER.encode(text));
}

/** A close frame with a code and reason. */
export function closeFrame(code: number, reason = ""): Uint8Array {
  const r = ENCODER.encode(reason);
  const payload = new Uint8Array(2 + r.length);
  new DataView(payload.buffer).setUint16(0, code);
  payload.set(r, 2);
  return serverFrame(OPCODE.close, payload);
}

/** One frame a client sent, unmasked. */
export interface ClientFrame {
  readonly opcode: number;
  readonly payload: Uint8Array;
}

/**
 * Splits client frames off the front of `buffer`; returns the frames and
 * the bytes left over (an incomplete frame).
 */
export function parseClientFrames(buffer: Uint8Array): { frames: ClientFrame[]; rest: Uint8Array } {
  const frames: ClientFrame[] = [];
  let at = 0;
  while (buffer.length - at >= 2) {
    const opcode = buffer[at] & 0x0f;
    const masked = (buffer[at + 1] & 0x80) !== 0;
    let len = buffer[at + 1] & 0x7f;
    let head = 2;
    const view = new DataView(buffer.buffer, buffer.byteOffset + at);
    if (len === 126) {
      if (buffer.length - at < 4) break;
      len = view.getUint16(2);
      head = 4;
    } else if (len === 127) {
      if (buffer.length - at < 10) break;
      len = Number(view.getBigUint64(2));
      head = 10;
    }
    const maskLen = masked ? 4 : 0;
    if (buffer.length - at < head + maskLen + len) break;
    const mask = buffer.subarray(at + head, at + head + maskLen);
    const payload = buffer.slice(at + head + maskLen, at + head + maskLen + len);
    if (masked) { for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3]; }
    frames.push({ opcode, payload });
    at += head + maskLen + len;
  }
  return { frames, rest: buffer.slice(at) };
}
