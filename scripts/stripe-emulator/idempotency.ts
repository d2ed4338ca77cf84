/**
 * Stripe-style idempotency: the first response to a key is stored and replayed byte for byte;
 * the same key with other parameters is refused; a key whose first request is still running
 * answers 409. Requests that fail validation (400/401/404) store nothing, as on Stripe.
 */
import { StripeApiError } from "./errors.js";

export interface StoredResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
}

interface Entry {
  fingerprint: string;
  createdAt: number;
  response: StoredResponse | null; // null while the first request is in flight
}

export type IdempotencyDecision = { kind: "replay"; response: StoredResponse } | { kind: "proceed"; finish(response: StoredResponse): void };

const TTL_MS = 24 * 60 * 60 * 1000;
const NOT_STORED_STATUSES = new Set([400, 401, 404, 409, 429]);

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  /** `scope` separates API keys (accounts); `fingerprint` covers method, path and parameters. */
  begin(scope: string, key: string, fingerprint: string): IdempotencyDecision {
    this.prune();
    const mapKey = `${scope}\u0000${key}`;
    const existing = this.entries.get(mapKey);
    if (existing) {
      if (existing.fingerprint !== fingerprint) {
        throw new StripeApiError(
          400,
          "idempotency_error",
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        );
      }
      if (existing.response === null) {
        throw new StripeApiError(
          409,
          "idempotency_error",
          "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): " +
            `${key}. Please try again later.`,
        );
      }
      return { kind: "replay", response: existing.response };
    }
    const entry: Entry = { fingerprint, createdAt: Date.now(), response: null };
    this.entries.set(mapKey, entry);
    return {
      kind: "proceed",
      finish: (response) => {
        if (NOT_STORED_STATUSES.has(response.status)) this.entries.delete(mapKey);
        else entry.response = response;
      },
    };
  }

  private prune(): void {
    const cutoff = Date.now() - TTL_MS;
    for (const [k, entry] of this.entries) {
      if (entry.createdAt < cutoff && entry.response !== null) this.entries.delete(k);
    }
  }
}
