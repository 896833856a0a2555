/**
 * Text that came from a peer (a close reason, an error or status line, a
 * header value), made safe to put in a log line or a message: it cannot
 * start a new line, move the cursor or colour a terminal, and it is short.
 *
 * @module
 */

/** Characters of peer text shown at most, escapes included. */
export const PEER_TEXT_MAX = 200;

/**
 * `text` safe to quote in a log line: backslash and double quote escaped,
 * control and non-ASCII characters as `\xNN` or `\uNNNN` (so a newline or
 * an ESC sequence shows as text), at most `max` characters (a cut text
 * ends in "...").
 */
export function peerText(text: string, max: number = PEER_TEXT_MAX): string {
  const pieces: string[] = [];
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const piece = escapeUnit(text.charCodeAt(i));
    pieces.push(piece);
    length += piece.length;
    if (length > max) break;
  }
  if (length <= max) return pieces.join("");
  let out = "";
  for (const piece of pieces) {
    if (out.length + piece.length > max - 3) break;
    out += piece;
  }
  return `${out}...`;
}

/**
 * A message that may hold peer text (an error from the network, a status
 * line), safe as part of one log line: control characters (newlines, ESC,
 * C1 controls, U+2028 and U+2029, bidirectional overrides) as `\xNN` or
 * `\uNNNN`; everything else kept as it is; at most `max` characters.
 */
export function peerLine(text: string, max: number = PEER_TEXT_MAX): string {
  const escaped = text.replace(
    // deno-lint-ignore no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => escapeUnit(c.charCodeAt(0)),
  );
  return escaped.length <= max ? escaped : `${escaped.slice(0, max - 3)}...`;
}

/** One UTF-16 code unit as it shows in an escaped text. */
function escapeUnit(code: number): string {
  if (code === 0x5c) return "\\\\";
  if (code === 0x22) return '\\"';
  if (code >= 0x20 && code < 0x7f) return String.fromCharCode(code);
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, "0")}`;
  return `\\u${code.toString(16).padStart(4, "0")}`;
}
