import type { StripeEmulator } from "../stripe-emulator/stripe-emulator";

export type { StripeEmulator };

/** Starts the local Stripe emulator (scripts/stripe-emulator), loaded only when it is needed. */
export async function startEmulator(opts: {
  /** 0 = a free port. */
  port: number;
  webhookSecret: string;
  webhookUrl?: string;
  log?: (line: string) => void;
}): Promise<StripeEmulator> {
  const { startStripeEmulator } = await import("../stripe-emulator/stripe-emulator");
  return startStripeEmulator({ host: "127.0.0.1", ...opts });
}
