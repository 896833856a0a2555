/**
 * A headless Chromium for browser tests. {@linkcode findChromium} looks for
 * `chromium`, `chromium-browser` or `google-chrome` on PATH (or the file
 * named by `CHROME_PATH`) and, when there is none, installs Debian's
 * `chromium` package if this process is root and has `apt-get`; the package
 * manager keeps it, so the install happens once per machine. Tests that need
 * a browser are declared with `ignore` when none can be had, and say why in
 * their name, so that CI without root skips them visibly.
 *
 * Run as a script (`make test-deps`), it finds or installs one and prints
 * its path, or says why there is none and exits 1.
 *
 * @module
 */

/** The executable names looked for on PATH, in order. */
export const CHROMIUM_NAMES: readonly string[] = [
  "chromium",
  "chromium-browser",
  "google-chrome",
  "google-chrome-stable",
];

/** Where a Chromium is, or why there is none. */
export type ChromiumLookup =
  | { readonly path: string; readonly reason?: undefined }
  | { readonly path?: undefined; readonly reason: string };

/** Options of {@linkcode locateChromium} and {@linkcode findChromium}. */
export interface FindChromiumOptions {
  /**
   * Whether to install Debian's `chromium` package when no browser is found
   * and this process is root with `apt-get`.
   *
   * @default {true}
   */
  readonly install?: boolean;
}

/**
 * Finds a Chromium, installing Debian's `chromium` package when none is on
 * PATH and that is possible; resolves with its path, or with the reason
 * there is none (for a skipped test's name).
 */
export async function locateChromium(options: FindChromiumOptions = {}): Promise<ChromiumLookup> {
  const explicit = Deno.env.get("CHROME_PATH");
  if (explicit) {
    return (await _isExecutable(explicit))
      ? { path: explicit }
      : { reason: `CHROME_PATH "${explicit}" is not an executable file` };
  }
  const found = await _onPath();
  if (found) return { path: found };
  if (options.install === false) return { reason: "no Chromium on PATH" };
  if (!_isRoot()) return { reason: "no Chromium on PATH and not root to install one" };
  if (!(await _which("apt-get"))) return { reason: "no Chromium on PATH and no apt-get" };
  const failure = await _aptInstallChromium();
  if (failure) return { reason: `no Chromium on PATH: apt-get failed: ${failure}` };
  const installed = await _onPath();
  return installed ? { path: installed } : { reason: "no Chromium on PATH after apt-get" };
}

/** The path of a Chromium (see {@linkcode locateChromium}), or undefined. */
export async function findChromium(options: FindChromiumOptions = {}): Promise<string | undefined> {
  return (await locateChromium(options)).path;
}

/** Options of {@linkcode dumpDom}. */
export interface DumpDomOptions {
  /** The Chromium to run; found with {@linkcode findChromium} when absent. */
  readonly chromium?: string;
  /**
   * Virtual milliseconds the page may run (its timers and fetches) before
   * its DOM is printed (`--virtual-time-budget`).
   *
   * @default {5000}
   */
  readonly waitMs?: number;
  /**
   * Real milliseconds after which the browser is killed and the dump fails.
   *
   * @default {60000}
   */
  readonly timeoutMs?: number;
}

/**
 * Loads `url` in a headless Chromium with a new temporary profile, lets it
 * run for `waitMs` of virtual time and resolves with the serialized DOM
 * (`--dump-dom`). The profile directory is removed afterwards.
 */
export async function dumpDom(url: string, options: DumpDomOptions = {}): Promise<string> {
  const chromium = options.chromium ?? await findChromium();
  if (!chromium) throw new Error("No Chromium: see locateChromium() for why");
  const profile = await Deno.makeTempDir({ prefix: "flume-ws-chromium-" });
  try {
    const child = new Deno.Command(chromium, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
        "--disable-breakpad",
        "--no-first-run",
        "--no-default-browser-check",
        "--mute-audio",
        `--user-data-dir=${profile}`,
        `--virtual-time-budget=${options.waitMs ?? 5000}`,
        "--dump-dom",
        url,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const timeoutMs = options.timeoutMs ?? 60_000;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    try {
      const { code, stdout, stderr } = await child.output();
      const decoder = new TextDecoder();
      if (timedOut) throw new Error(`Chromium did not finish within ${timeoutMs} ms: "${url}"`);
      if (code !== 0) {
        throw new Error(`Chromium exited ${code} on "${url}":\n${decoder.decode(stderr)}`);
      }
      return decoder.decode(stdout);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await _removeProfile(profile);
  }
}

/** The first of {@linkcode CHROMIUM_NAMES} on PATH. */
async function _onPath(): Promise<string | undefined> {
  for (const name of CHROMIUM_NAMES) {
    const path = await _which(name);
    if (path) return path;
  }
  return undefined;
}

/** The path of executable `name` on PATH, or undefined. */
async function _which(name: string): Promise<string | undefined> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (!dir) continue;
    const path = `${dir}/${name}`;
    if (await _isExecutable(path)) return path;
  }
  return undefined;
}

async function _isExecutable(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && ((info.mode ?? 0) & 0o111) !== 0;
  } catch {
    return false;
  }
}

function _isRoot(): boolean {
  try {
    return Deno.uid() === 0;
  } catch {
    return false;
  }
}

/** Runs apt-get update and install; resolves with undefined or the failure's last lines. */
async function _aptInstallChromium(): Promise<string | undefined> {
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  for (
    const args of [
      ["update"],
      ["install", "-y", "--no-install-recommends", "chromium"],
    ]
  ) {
    const { code, stdout, stderr } = await new Deno.Command("apt-get", {
      args,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (code !== 0) {
      const text = new TextDecoder().decode(stderr).trim() ||
        new TextDecoder().decode(stdout).trim();
      return `apt-get ${args[0]} exited ${code}: ${text.split("\n").slice(-3).join(" / ")}`;
    }
  }
  return undefined;
}

/**
 * Removes a Chromium profile directory. A helper process of the browser may
 * still be writing into it for a moment after the browser exits: retried.
 */
async function _removeProfile(dir: string): Promise<void> {
  for (let attempt = 0;; attempt++) {
    try {
      await Deno.remove(dir, { recursive: true });
      return;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return;
      if (attempt >= 20) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

if (import.meta.main) {
  const started = Date.now();
  const lookup = await locateChromium();
  if (!lookup.path) {
    console.error(`chromium: ${lookup.reason}`);
    Deno.exit(1);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${lookup.path} (found in ${seconds} s)`);
}
