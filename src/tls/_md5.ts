/**
 * MD5 (RFC 1321) in plain JavaScript, for JCEKS's key derivation: it hashes
 * 20-odd bytes hundreds of thousands of times, where a `node:crypto` hash
 * object per round costs seconds and this costs milliseconds.
 *
 * @module
 */

const SHIFTS: readonly number[] = [
  ...[7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22],
  ...[5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20],
  ...[4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23],
  ...[6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21],
];
const INITIAL_STATE: Int32Array = Int32Array.of(0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476);
const CONSTANTS: Int32Array = Int32Array.from(
  { length: 64 },
  (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32),
);

/** MD5 of `data`. */
export function md5(data: Uint8Array): Uint8Array {
  return md5Iterate(data, new Uint8Array(0), 1);
}

/**
 * Hashes `iterations` times: h₀ = seed, hᵢ₊₁ = MD5(hᵢ ‖ suffix); returns
 * the last h. The buffers are allocated once.
 */
export function md5Iterate(seed: Uint8Array, suffix: Uint8Array, iterations: number): Uint8Array {
  const longest = Math.max(seed.length, 16) + suffix.length;
  const padded = new Uint8Array(Math.ceil((longest + 9) / 64) * 64);
  const view = new DataView(padded.buffer);
  const state = new Int32Array(4);
  const words = new Int32Array(16);
  let hash = seed.slice();
  for (let n = 0; n < iterations; n++) {
    const length = hash.length + suffix.length;
    const blocks = Math.ceil((length + 9) / 64);
    padded.fill(0);
    padded.set(hash);
    padded.set(suffix, hash.length);
    padded[length] = 0x80;
    view.setUint32(blocks * 64 - 8, (length * 8) >>> 0, true);
    view.setUint32(blocks * 64 - 4, Math.floor((length * 8) / 2 ** 32), true);
    state.set(INITIAL_STATE);
    for (let block = 0; block < blocks; block++) {
      for (let i = 0; i < 16; i++) words[i] = view.getInt32(block * 64 + i * 4, true);
      compress(state, words);
    }
    if (hash.length !== 16) hash = new Uint8Array(16);
    for (let i = 0; i < 16; i++) hash[i] = state[i >> 2] >>> ((i & 3) * 8);
  }
  return hash;
}

function compress(state: Int32Array, words: Int32Array): void {
  let a = state[0], b = state[1], c = state[2], d = state[3];
  for (let i = 0; i < 64; i++) {
    let f: number, g: number;
    if (i < 16) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) & 15;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) & 15;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) & 15;
    }
    f = (f + a + CONSTANTS[i] + words[g]) | 0;
    a = d;
    d = c;
    c = b;
    b = (b + ((f << SHIFTS[i]) | (f >>> (32 - SHIFTS[i])))) | 0;
  }
  state[0] = (state[0] + a) | 0;
  state[1] = (state[1] + b) | 0;
  state[2] = (state[2] + c) | 0;
  state[3] = (state[3] + d) | 0;
}
