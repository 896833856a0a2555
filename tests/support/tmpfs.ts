/**
 * Small tmpfs filesystems for tests that fill a disk for real. Mounting
 * needs root (CAP_SYS_ADMIN) on Linux: tests that use one are declared with
 * `ignore: !TMPFS_AVAILABLE` and say so in their name, so that CI without
 * root skips them visibly instead of passing them vacuously.
 *
 * @module
 */
import { statfsSync } from "node:fs";

/** The suffix of the name of every test that needs a tmpfs. */
export const NEEDS_TMPFS = "(needs root to mount a tmpfs; ignored otherwise)";

/** Whether this process can mount a tmpfs: probed once, by mounting a small one. */
export const TMPFS_AVAILABLE: boolean = await canMountTmpfs();

/**
 * Mounts a tmpfs of `sizeBytes` on a new temporary directory, calls `fn`
 * with it, then unmounts and removes the directory, whether `fn` succeeds
 * or throws.
 */
export async function withTmpfs(
  sizeBytes: number,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "flume-ws-tmpfs-" });
  try {
    await run("mount", ["-t", "tmpfs", "-o", `size=${sizeBytes},mode=0755`, "tmpfs", dir]);
    try {
      await fn(dir);
    } finally {
      await unmount(dir);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Fills the filesystem that holds `dir` to its last byte with a new file
 * in `dir`, `name`; returns the file's path. Removing it frees the space.
 */
export async function fillDisk(dir: string, name = "filler"): Promise<string> {
  const path = `${dir}/${name}`;
  using file = await Deno.open(path, { write: true, createNew: true });
  for (const size of [1 << 20, 1 << 16, 1 << 12, 1 << 9, 1]) {
    const chunk = new Uint8Array(size);
    try {
      while (true) await file.write(chunk);
    } catch (err) {
      if ((err as { code?: unknown }).code !== "ENOSPC") throw err;
    }
  }
  return path;
}

/** Bytes free on the filesystem that holds `path`. */
export function freeBytes(path: string): number {
  const stats = statfsSync(path);
  return Number(stats.bavail) * Number(stats.bsize);
}

async function canMountTmpfs(): Promise<boolean> {
  if (Deno.build.os !== "linux") return false;
  try {
    if (Deno.uid() !== 0) return false;
  } catch {
    return false;
  }
  const dir = await Deno.makeTempDir({ prefix: "flume-ws-tmpfs-probe-" });
  try {
    await run("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir]);
    await unmount(dir);
    return true;
  } catch {
    return false;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function unmount(dir: string): Promise<void> {
  try {
    await run("umount", [dir]);
  } catch {
    // Something still holds a file there (a failed test): detach it anyway.
    await run("umount", ["-l", dir]);
  }
}

async function run(command: string, args: readonly string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command(command, {
    args: [...args],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed: ${new TextDecoder().decode(stderr)}`);
  }
}
