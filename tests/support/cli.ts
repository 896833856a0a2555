/**
 * Runs the flume-ws CLI as a child process, for black-box tests (as
 * deployctl's `tests/utils.ts` runs `deployctl`).
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** The repository root (where main.ts is), found from this file's location. */
export const REPO_ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The permission flags of a task in deno.json: black-box tests run the CLI
 * with exactly what users get, not `-A`.
 */
export function taskPermissions(task: string): string[] {
  const config = JSON.parse(Deno.readTextFileSync(`${REPO_ROOT}deno.json`));
  return String(config.tasks[task]).split(/\s+/).filter((a) =>
    a.startsWith("--allow-") || a.startsWith("--deny-")
  );
}

/** The `agent` task's permissions, which `check`, `keystore` and `version` share. */
export const TASK_PERMISSIONS: readonly string[] = taskPermissions("agent");

/** What one run of the CLI produced. */
export interface CliResult {
  /** The exit code. */
  readonly code: number;
  /** Everything written to standard output. */
  readonly stdout: string;
  /** Everything written to standard error. */
  readonly stderr: string;
}

/** Options of {@linkcode runCli}. */
export interface RunCliOptions {
  /** Variables added to the child's environment, which otherwise inherits this one's. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Runs `deno run <the agent task's permissions> main.ts ...args` in {@linkcode REPO_ROOT} with the Deno
 * running the tests, and waits for it to exit. Standard input is closed;
 * both outputs are captured. `--quiet` keeps Deno's own messages out of stderr.
 */
export async function runCli(
  args: readonly string[],
  options: RunCliOptions = {},
): Promise<CliResult> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", ...TASK_PERMISSIONS, "--quiet", "main.ts", ...args],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout, stderr } = await command.output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/**
 * Calls `fn` with a new temporary directory, and removes the directory and
 * everything in it afterwards, whether `fn` succeeds or throws.
 */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "flume-ws-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
