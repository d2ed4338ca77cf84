/**
 * The running app for a test file: the Stripe emulator in this process, the built web server and
 * (optionally) the workers as child processes, all on the file's database and queue prefix
 * (set up by test/setup/per-file.ts). Children's output goes to a log file under os.tmpdir();
 * its last lines are included in the error when start-up fails.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "vitest";
import { freePort } from "../../scripts/stack/ports";
import { startWeb, startWorkers as spawnWorkers, type ServiceProcess, type WebProcess } from "../../scripts/stack/processes";
import { startEmulator, type StripeEmulator } from "../../scripts/stack/stripe";

export type { StripeEmulator };

export interface TestStack {
  /** Base URL of the web server, e.g. http://127.0.0.1:41234 (also APP_URL in `env`). */
  appUrl: string;
  emulator: StripeEmulator;
  /** The environment the web server and workers run with. */
  env: Record<string, string>;
  /** Where the children's output goes. */
  logFile: string;
  /** How many worker processes startWorkers() runs side by side. */
  workerCount: number;
  /** Stops the worker processes (no-op when not running). */
  stopWorkers(): Promise<void>;
  /** Starts the worker processes (no-op when already running). */
  startWorkers(): Promise<void>;
  /** Stops workers, web server and emulator. */
  stop(): Promise<void>;
}

const LOG_TAIL = 60;

export interface TestStackOptions {
  /** false: no workers until startWorkers(). */
  workers?: boolean;
  /**
   * Worker processes side by side (default 1, or LEADEX_TEST_WORKERS): with 2, their output lines
   * are prefixed [worker-1] and [worker-2], and each logs how many jobs it did when it stops.
   */
  workerCount?: number;
  env?: Record<string, string>;
}

export async function startTestStack(opts: TestStackOptions = {}): Promise<TestStack> {
  const workerCount = opts.workerCount ?? (Number(process.env.LEADEX_TEST_WORKERS) || 1);
  const testPath = expect.getState().testPath ?? "test";
  const logFile = path.join(
    os.tmpdir(),
    "leadex-test-logs",
    `${path.basename(testPath).replace(/\.test\.ts$/, "")}-${process.pid}-${Date.now().toString(36)}.log`,
  );
  const output = { file: logFile };
  const fail = (what: string, error: unknown): Error =>
    new Error(
      `${what}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}\n` +
        `--- last ${LOG_TAIL} lines of ${logFile} ---\n${logTail(logFile, LOG_TAIL)}`,
      { cause: error },
    );

  const baseEnv = pickEnv(process.env);
  const webhookSecret = opts.env?.STRIPE_WEBHOOK_SECRET ?? baseEnv.STRIPE_WEBHOOK_SECRET;
  if (!webhookSecret) throw new Error("STRIPE_WEBHOOK_SECRET is not set (test/setup/per-file.ts sets it).");

  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const emulator = await startEmulator({
    port: 0,
    webhookSecret,
    log: (line) => fs.appendFileSync(logFile, `[stripe] ${line}\n`),
  });
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    ...baseEnv,
    HOST: "127.0.0.1",
    ...opts.env,
    STRIPE_API_BASE: emulator.url,
    APP_URL: appUrl,
  };

  let web: WebProcess;
  try {
    // No requests are in flight when a test stops the stack; don't wait for idle DB connections.
    web = await startWeb({ env, port, output, graceMs: 1000 });
  } catch (error) {
    await emulator.close();
    throw fail("The web server did not start", error);
  }
  emulator.setWebhookUrl(`${appUrl}/webhooks/stripe`);

  let workers: ServiceProcess[] | undefined;
  const startWorkers = async () => {
    if (workers) return;
    const started = await Promise.all(
      Array.from({ length: workerCount }, (_, i) => spawnWorkers({ env, output, name: workerCount === 1 ? "workers" : `worker-${i + 1}` })),
    );
    workers = started;
    // A worker that dies at start-up (bad env, syntax error) should fail loudly, not hang tests.
    const early = await Promise.race([...started.map((w) => w.exited), new Promise<null>((r) => setTimeout(() => r(null), 300))]);
    if (early) {
      workers = undefined;
      await Promise.all(started.map((w) => w.stop()));
      throw fail("The workers exited during start-up", `exit ${early.signal ?? early.code}`);
    }
  };
  const stopWorkers = async () => {
    const running = workers;
    workers = undefined;
    await Promise.all((running ?? []).map((w) => w.stop()));
  };

  if (opts.workers !== false) {
    try {
      await startWorkers();
    } catch (error) {
      await web.stop();
      await emulator.close();
      throw error;
    }
  }

  let stopped: Promise<void> | undefined;
  return {
    appUrl,
    emulator,
    env,
    logFile,
    workerCount,
    startWorkers,
    stopWorkers,
    stop: () =>
      (stopped ??= (async () => {
        await stopWorkers();
        await web.stop();
        await emulator.close();
      })()),
  };
}

function pickEnv(source: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) if (value !== undefined) env[key] = value;
  return env;
}

function logTail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no output)";
  }
}
