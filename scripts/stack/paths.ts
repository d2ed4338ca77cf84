import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file lives in scripts/stack/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A binary installed in node_modules/.bin. */
export function localBin(name: string): string {
  return path.join(repoRoot, "node_modules", ".bin", name);
}
