/**
 * Credentials computed by a command at every connection attempt: the
 * command line split as a shell splits simple words and quotes (no shell
 * runs unless the user writes `sh -c '…'`), run with a timeout, its
 * standard output without the final newline as the value. Standard output
 * is a secret and never logged; standard error is logged, escaped and cut.
 *
 * @module
 */
import type { Log } from "../../api/log.ts";
import { peerLine } from "../../util/peer_text.ts";

/** Characters of a command's standard error logged at most. */
const STDERR_MAX = 400;

/** A command that failed, timed out or printed nothing usable: a failed attempt. */
export class CommandError extends Error {
  override name = "CommandError";
}

/**
 * Splits a command line into words: whitespace separates, `'…'` keeps
 * everything literally, `"…"` keeps everything but `\"` and `\\`, and a
 * backslash outside quotes escapes the next character.
 *
 * @throws {TypeError} on an unterminated quote, a trailing backslash or an empty command.
 */
export function splitCommand(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new TypeError("Invalid command: unterminated ' quote");
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === "\\" && (text[j + 1] === '"' || text[j + 1] === "\\")) j++;
        word += text[j];
      }
      if (j >= text.length) throw new TypeError('Invalid command: unterminated " quote');
      inWord = true;
      i = j;
    } else if (c === "\\") {
      if (i + 1 >= text.length) throw new TypeError("Invalid command: trailing backslash");
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  if (words.length === 0) throw new TypeError("Invalid command: empty");
  return words;
}

/** How a command runs. */
export interface CommandOptions {
  /** Killed (SIGKILL) after this long. */
  readonly timeoutMs: number;
  /** Where the command's standard error goes (as warnings). */
  readonly log: Log;
  /** Named in messages: the property (`header.Authorization.command`). */
  readonly property: string;
  /** Aborting kills the command. */
  readonly signal?: AbortSignal;
}

/**
 * Runs `argv` with the agent's environment and no standard input, and
 * returns its standard output with one final newline (LF or CRLF) removed.
 *
 * @throws {CommandError} when it cannot start, exits non-zero, is killed or
 * times out; the message holds the exit status and never the output.
 */
export async function runCommand(
  argv: readonly string[],
  options: CommandOptions,
): Promise<string> {
  const { property, log } = options;
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(argv[0], {
      args: argv.slice(1),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      // Its own process group, so that a timeout kills what it started too (`sh -c 'a | b'`).
      detached: true,
    }).spawn();
  } catch (err) {
    const message = err instanceof Deno.errors.NotCapable || /--allow-run/.test(String(err))
      ? "the agent may not run commands (start it with --allow-run)"
      : peerLine((err as Error).message, STDERR_MAX);
    throw new CommandError(`${property} cannot start "${peerLine(argv[0], 120)}": ${message}`);
  }
  let timedOut = false;
  const kill = (): void => {
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch {
      try {
        child.kill("SIGKILL");
      } catch {
        // Exited already.
      }
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, options.timeoutMs);
  options.signal?.addEventListener("abort", kill, { once: true });
  try {
    let tooLong = false;
    const overflow = (): void => {
      tooLong = true;
      kill();
    };
    const gaveUp = (): boolean => timedOut || tooLong || options.signal?.aborted === true;
    const [stdout, stderr, status] = await Promise.all([
      _readAll(child.stdout, gaveUp, overflow),
      _readAll(child.stderr, gaveUp, () => {}),
      child.status,
    ]);
    const errText = new TextDecoder().decode(stderr).trim();
    if (errText !== "") log.warn(`${property} said: ${peerLine(errText, STDERR_MAX)}`);
    if (timedOut) {
      throw new CommandError(
        `${property} did not finish within ${options.timeoutMs / 1000} s (commandTimeout): killed`,
      );
    }
    if (options.signal?.aborted) throw new CommandError(`${property} cancelled: agent stopping`);
    if (tooLong) {
      throw new CommandError(
        `${property} printed more than ${OUTPUT_MAX / 1024} KiB: killed (a value is one line)`,
      );
    }
    if (!status.success) {
      const how = status.signal ? `killed by ${status.signal}` : `exit code ${status.code}`;
      throw new CommandError(`${property} failed: ${how}`);
    }
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(stdout);
    } catch {
      throw new CommandError(`${property} printed bytes that are not UTF-8`);
    }
    return text.replace(/\r?\n$/, "");
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", kill);
  }
}

/** The most bytes of output a command may print (a token, a signed header). */
const OUTPUT_MAX = 64 * 1024;

/**
 * Reads a pipe to its end, at most OUTPUT_MAX bytes. Once `gaveUp` says so (the command was killed,
 * but a child it started may still hold the pipe), the read is cancelled.
 */
async function _readAll(
  stream: ReadableStream<Uint8Array>,
  gaveUp: () => boolean,
  overflow: () => void,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const poll = setInterval(() => {
    if (gaveUp()) void reader.cancel().catch(() => {});
  }, 50);
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      if (total + value.length > OUTPUT_MAX) {
        // Keep what fits (stderr is cut for the log anyway); stdout past it fails the attempt.
        chunks.push(value.subarray(0, OUTPUT_MAX - total));
        total = OUTPUT_MAX;
        overflow();
        void reader.cancel().catch(() => {});
        break;
      }
      chunks.push(value);
      total += value.length;
    }
  } catch {
    // Cancelled.
  } finally {
    clearInterval(poll);
    reader.releaseLock();
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
