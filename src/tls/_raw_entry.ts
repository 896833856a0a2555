import type { X509Certificate } from "node:crypto";
import type { KeyStoreEntryKind, ProtectedKey } from "./keystore_types.ts";

/** An entry as a format's reader returns it, before it is described for callers. */
export interface RawEntry {
  readonly alias: string;
  readonly kind: KeyStoreEntryKind;
  /** Leaf first. */
  readonly chain: readonly X509Certificate[];
  readonly key?: ProtectedKey;
}

/**
 * The keystore's integrity check failed: the password is wrong or the data
 * was changed. Readers throw it; `parseKeyStore` turns it into a KeyStoreError.
 */
export class IntegrityError extends Error {
  override name = "IntegrityError";
}
