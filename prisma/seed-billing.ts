import { runLedgerReconciliation } from "~/modules/reconciliation/ledger-reconciliation.server";

// The demo's buyer billing: ends with a ledger reconciliation run, so the admin's finance page
// opens on a run that proves the demo's books match the Stripe emulator.

export async function seedBillingDemo(opts: { log: (line: string) => void }) {
  const { log } = opts;
  const run = await runLedgerReconciliation(`demo-seed:${new Date().toISOString()}`);
  log(
    run.findings === 0
      ? "ledger reconciliation: the demo's books match the Stripe emulator (no findings)"
      : `ledger reconciliation found ${run.findings} problem(s), drift ${run.driftCents} cents: see /admin/finance`,
  );
}
