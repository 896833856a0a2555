import { REPO_ROOT, TASK_PERMISSIONS } from "./cli.ts";

export { REPO_ROOT };

/** A running `main.ts agent` child process whose stderr is read line by line. */
export class AgentProcess {
  readonly #child: Deno.ChildProcess;
  readonly #lines: string[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #reading: Promise<void>;
  #stdout: Promise<string>;

  /** Spawns `deno run <task permissions> main.ts agent ARGS` in the repository root. */
  constructor(args: readonly string[], env: Record<string, string> = {}) {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...TASK_PERMISSIONS, "main.ts", "agent", ...args],
      cwd: REPO_ROOT,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#stdout = new Response(this.#child.stdout).text();
    this.#reading = this.#read();
  }

  /** Every stderr line so far. */
  get lines(): readonly string[] {
    return this.#lines;
  }

  /**
   * Resolves with the matching lines once `count` stderr lines match
   * `pattern`; rejects when the process ends first or after `timeoutMs`.
   */
  async waitFor(pattern: RegExp, count = 1, timeoutMs = 30_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let ended = false;
    this.#reading.then(() => ended = true);
    while (true) {
      const matches = this.#lines.filter((l) => pattern.test(l));
      if (matches.length >= count) return matches;
      if (ended) throw new Error(`Agent ended before ${count} x ${pattern}:\n${this.dump()}`);
      if (Date.now() > deadline) {
        throw new Error(`Timed out waiting for ${pattern}:\n${this.dump()}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 250);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.#waiters.add(done);
      });
    }
  }

  /** Sends a signal. */
  kill(signal: Deno.Signal): void {
    this.#child.kill(signal);
  }

  /** Waits for exit; returns the code, stdout and every stderr line. */
  async exit(): Promise<{ code: number; stdout: string; stderr: readonly string[] }> {
    const status = await this.#child.status;
    await this.#reading;
    return { code: status.code, stdout: await this.#stdout, stderr: this.#lines };
  }

  /** The stderr so far, for failure messages. */
  dump(): string {
    return this.#lines.join("\n");
  }

  async #read(): Promise<void> {
    let rest = "";
    for await (const chunk of this.#child.stderr.pipeThrough(new TextDecoderStream())) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop() ?? "";
      this.#lines.push(...parts);
      for (const wake of this.#waiters) wake();
      this.#waiters.clear();
    }
    if (rest) this.#lines.push(rest);
    for (const wake of this.#waiters) wake();
  }
}

/** Writes `text` to a new temporary file and returns its path. */
export async function tempConf(dir: string, text: string, name = "flume.conf"): Promise<string> {
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(path, text);
  return path;
}
