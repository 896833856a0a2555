import { ChannelError } from "../../api/channel.ts";
import { errorMessage } from "../../util/errors.ts";

/** The lock file's name in every locked directory, as Flume names it. */
export const LOCK_FILE = "in_use.lock";

/**
 * An exclusive lock on a directory: `in_use.lock` in it, held with an
 * advisory `flock`-style lock. The lock belongs to the open file, so it
 * excludes a second channel in the same process as well as another agent,
 * and the kernel releases it when the process dies (even by SIGKILL).
 */
export class DirectoryLock {
  /** The directory this lock holds. */
  readonly directory: string;
  readonly #file: Deno.FsFile;

  private constructor(directory: string, file: Deno.FsFile) {
    this.directory = directory;
    this.#file = file;
  }

  /**
   * Locks `directory` (which must exist) without waiting; throws ChannelError
   * naming the directory when another channel or agent holds it. `what`
   * names the directory's role in messages, e.g. `dataDirs`.
   */
  static acquire(directory: string, what: string): DirectoryLock {
    const path = `${directory}/${LOCK_FILE}`;
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(path, { read: true, write: true, create: true });
    } catch (err) {
      throw new ChannelError(`Cannot open lock file "${path}": ${errorMessage(err)}`, {
        cause: err,
      });
    }
    let locked = false;
    try {
      locked = file.tryLockSync(true);
    } catch (err) {
      file.close();
      throw new ChannelError(`Cannot lock ${what} "${directory}": ${errorMessage(err)}`, {
        cause: err,
      });
    }
    if (!locked) {
      const holder = readHolder(file);
      file.close();
      throw new ChannelError(
        `Cannot lock ${what} "${directory}": another channel or agent holds it` +
          `${holder ? ` (process ${holder})` : ""}; give each file channel its own ` +
          `checkpointDir and dataDirs`,
      );
    }
    try {
      // The holder's pid, for the message another process would print.
      file.truncateSync(0);
      file.writeSync(new TextEncoder().encode(`${Deno.pid}\n`));
    } catch {
      // Only informative: the lock itself is what counts.
    }
    return new DirectoryLock(directory, file);
  }

  /** Releases the lock; the lock file stays, as Flume leaves it. */
  release(): void {
    try {
      this.#file.unlockSync();
    } finally {
      this.#file.close();
    }
  }
}

/** The pid written by the lock's holder, or "" when unreadable. */
function readHolder(file: Deno.FsFile): string {
  try {
    const buf = new Uint8Array(32);
    const n = file.readSync(buf) ?? 0;
    return new TextDecoder().decode(buf.subarray(0, n)).trim();
  } catch {
    return "";
  }
}
