/**
 * CLI: starts the Stripe emulator from the environment and prints its URL.
 *   STRIPE_EMULATOR_PORT   port to listen on (default 0 = any free port)
 *   STRIPE_EMULATOR_HOST   interface (default 127.0.0.1)
 *   STRIPE_WEBHOOK_URL     where to POST webhooks (optional; without it events are only recorded)
 *   STRIPE_WEBHOOK_SECRET  signing secret (whsec_...), required
 *   STRIPE_CONNECT_WEBHOOK_URL, STRIPE_CONNECT_WEBHOOK_SECRET
 *                          where events on connected accounts go, and their secret (optional;
 *                          default: the two above)
 *   STRIPE_EMULATOR_PAYOUT_DELAY_MS
 *                          pay pending payouts by themselves after this many ms (optional;
 *                          default: only POST /_emulator/payouts/:id/pay pays them)
 *   STRIPE_EMULATOR_LOG=1  log requests and webhook deliveries to stderr
 * Usage: npx tsx scripts/stripe-emulator/main.ts
 */
import { startStripeEmulator } from "./stripe-emulator.js";

async function main(): Promise<void> {
  const portText = process.env.STRIPE_EMULATOR_PORT ?? "0";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`STRIPE_EMULATOR_PORT must be a port number, got '${portText}'`);
  }
  const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET;
  if (!webhookSecret) throw new Error("STRIPE_WEBHOOK_SECRET is required (e.g. whsec_local)");

  const payoutDelayText = process.env.STRIPE_EMULATOR_PAYOUT_DELAY_MS || undefined;
  const payoutArrivalMs = payoutDelayText === undefined ? undefined : Number(payoutDelayText);
  if (payoutArrivalMs !== undefined && (!Number.isInteger(payoutArrivalMs) || payoutArrivalMs < 0)) {
    throw new Error(`STRIPE_EMULATOR_PAYOUT_DELAY_MS must be a whole number of milliseconds, got '${payoutDelayText}'`);
  }

  const verbose = process.env.STRIPE_EMULATOR_LOG === "1";
  const emulator = await startStripeEmulator({
    port,
    host: process.env.STRIPE_EMULATOR_HOST || undefined,
    webhookUrl: process.env.STRIPE_WEBHOOK_URL || undefined,
    webhookSecret,
    connectWebhookUrl: process.env.STRIPE_CONNECT_WEBHOOK_URL || undefined,
    connectWebhookSecret: process.env.STRIPE_CONNECT_WEBHOOK_SECRET || undefined,
    payoutArrivalMs,
    log: verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
  });
  process.stdout.write(`Stripe emulator listening on ${emulator.url}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    if (verbose) process.stderr.write(`[stripe-emulator] ${signal}, closing\n`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`[stripe-emulator] close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`stripe-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
