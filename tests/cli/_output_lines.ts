/**
 * Reads a child's output line by line, for black-box tests of long-running
 * commands (`make run`, the installed `flume-ws agent`).
 *
 * @module
 */

/** The lines of a byte stream, as they arrive. */
export class OutputLines {
  readonly #lines: string[] = [];
  readonly #done: Promise<void>;
  #changed = Promise.withResolvers<void>();

  /** Starts reading `stream` to its end. */
  constructor(stream: ReadableStream<Uint8Array>) {
    this.#done = this.#read(stream);
  }

  /** Every line so far. */
  get lines(): readonly string[] {
    return this.#lines;
  }

  /** Everything so far, one string. */
  get text(): string {
    return this.#lines.join("\n");
  }

  /**
   * The first line matching `pattern`; rejects when the stream ends first
   * or `timeoutMs` passes.
   */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Timed out waiting for ${pattern}:\n${this.text}`)),
        timeoutMs,
      );
    });
    try {
      while (true) {
        const found = this.#lines.find((line) => pattern.test(line));
        if (found !== undefined) return found;
        const ended = await Promise.race([
          this.#changed.promise.then(() => false),
          this.#done.then(() => true),
          timeout,
        ]);
        if (ended && !this.#lines.some((line) => pattern.test(line))) {
          throw new Error(`Output ended without ${pattern}:\n${this.text}`);
        }
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once the stream has ended. */
  ended(): Promise<void> {
    return this.#done;
  }

  async #read(stream: ReadableStream<Uint8Array>): Promise<void> {
    let rest = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop() ?? "";
      this.#lines.push(...parts);
      this.#changed.resolve();
      this.#changed = Promise.withResolvers<void>();
    }
    if (rest !== "") this.#lines.push(rest);
  }
}

/**
 * This environment without NO_COLOR, for a child that must decide on colour
 * itself, and without what an outer make exports (MAKE_TERMOUT says "a
 * terminal" to every make below it).
 */
export function envWithoutNoColor(): Record<string, string> {
  const env = Deno.env.toObject();
  for (const name of ["NO_COLOR", "MAKE_TERMOUT", "MAKE_TERMERR", "MAKEFLAGS", "MAKELEVEL"]) {
    delete env[name];
  }
  return env;
}

/** True when `program --version` runs (util-linux's `script`, `setsid`). */
export async function hasProgram(program: string): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(program, {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

/**
 * Runs the shell command `line` on a pseudo-terminal (`script -qec`), so
 * that its stdout and stderr are terminals; returns the exit code and what
 * the terminal showed.
 */
export async function runOnTerminal(
  line: string,
  options: { cwd: string; env: Record<string, string> },
): Promise<{ code: number; text: string }> {
  const { code, stdout } = await new Deno.Command("script", {
    args: ["-qec", line, "/dev/null"],
    cwd: options.cwd,
    env: options.env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code, text: new TextDecoder().decode(stdout) };
}
