/**
 * Fault injection for chaos runs (`npm run chaos`): a share of `/v1` API calls fails the way
 * Stripe's API sometimes does, before the call has any effect, so a client that retries (the SDK
 * does, with the same idempotency key) gets the real answer on a later attempt.
 *
 *   api_error         HTTP 500 with Stripe's error envelope `{error: {type: "api_error", ...}}`
 *   connection_reset  the TCP connection is dropped without an answer
 *
 * Set with POST /_emulator/faults {rate, kinds?} or StripeEmulator.setFaults(); rate 0 turns it off.
 */
import type Stripe from "stripe";
import { StripeApiError } from "./errors.js";

export const FAULT_KINDS = ["api_error", "connection_reset"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSettings {
  /** The share of API calls that fail, 0 to 1. */
  rate: number;
  /** Which failures to draw from (evenly). Default: all of them. */
  kinds?: FaultKind[];
}

export interface FaultReport {
  rate: number;
  kinds: FaultKind[];
  /** API calls answered normally and failed on purpose since the emulator started. */
  calls: number;
  injected: Record<FaultKind, number>;
}

/** An injected 500: Stripe's envelope with type api_error, which the SDK raises as Stripe.errors.StripeAPIError. */
export function injectedApiError(): StripeApiError {
  const type: NonNullable<Stripe.errors.StripeError["rawType"]> = "api_error";
  return new StripeApiError(500, type, "An error occurred with our connection to Stripe. (Injected by the emulator's fault control.)");
}

export class Faults {
  private rate = 0;
  private kinds: FaultKind[] = [...FAULT_KINDS];
  private calls = 0;
  private readonly injected: Record<FaultKind, number> = { api_error: 0, connection_reset: 0 };

  constructor(private readonly random: () => number = Math.random) {}

  set(settings: FaultSettings): FaultReport {
    if (!(settings.rate >= 0 && settings.rate <= 1)) throw new Error("fault rate must be between 0 and 1");
    this.rate = settings.rate;
    this.kinds = settings.kinds && settings.kinds.length > 0 ? [...new Set(settings.kinds)] : [...FAULT_KINDS];
    return this.report();
  }

  /** Called once per API call: the fault to inject, or null to answer normally. */
  draw(): FaultKind | null {
    this.calls++;
    if (this.rate === 0 || this.random() >= this.rate) return null;
    const kind = this.kinds[Math.floor(this.random() * this.kinds.length)] ?? this.kinds[0];
    this.injected[kind]++;
    return kind;
  }

  report(): FaultReport {
    return { rate: this.rate, kinds: [...this.kinds], calls: this.calls, injected: { ...this.injected } };
  }
}
