import { createHash } from "node:crypto";

/** Hash of a normalised email or E.164 phone: finds the same person without comparing contact data. */
export function personHash(value: string): string {
  return createHash("sha256").update(value.trim().toLowerCase()).digest("hex");
}
