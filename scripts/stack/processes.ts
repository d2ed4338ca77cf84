import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "./paths";

/**
 * Where a child's output goes. Output is always piped and line-prefixed (`[web] ...`);
 * the last lines are also kept in memory for error messages.
 * - "inherit": this process's stdout (the demo)
 * - { file }:  appended to a log file (tests)
 * - a function: called per line
 */
export type OutputSink = "inherit" | { file: string } | ((line: string) => void);

export interface ServiceProcess {
  name: string;
  pid: number | undefined;
  /** Resolves when the child exits, for whatever reason. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines of output (stdout and stderr). */
  tail(): string[];
  /** SIGTERM, then SIGKILL after the grace period. Idempotent. */
  stop(): Promise<void>;
}

export interface WebProcess extends ServiceProcess {
  url: string;
  port: number;
}

const TAIL_LINES = 60;
const GRACE_MS = 5000;

/** SIGTERM `child`, SIGKILL it if still alive after `graceMs`; resolves once it has exited. */
export function stopProcess(child: ChildProcess, graceMs = GRACE_MS): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

function lineWriter(name: string, sink: OutputSink, tail: string[]): (line: string) => void {
  const prefix = `[${name}] `;
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  if (sink === "inherit") {
    return (line) => {
      keep(line);
      process.stdout.write(prefix + line + "\n");
    };
  }
  if (typeof sink === "function") {
    return (line) => {
      keep(line);
      sink(line);
    };
  }
  fs.mkdirSync(path.dirname(sink.file), { recursive: true });
  return (line) => {
    keep(line);
    fs.appendFileSync(sink.file, prefix + line + "\n");
  };
}

/** Spawns a long-running child with piped, line-buffered output and a stop() that always ends it. */
export function spawnService(opts: {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  output?: OutputSink;
  cwd?: string;
  graceMs?: number;
  /**
   * Run the child in its own process group, so a terminal's Ctrl-C reaches only this process,
   * which then stops the child in order (the demo). Default false: the child then also gets the
   * terminal's signals, which is the safer default when this process may die abruptly (tests).
   */
  ownProcessGroup?: boolean;
}): ServiceProcess {
  const tail: string[] = [];
  const writeLine = lineWriter(opts.name, opts.output ?? "inherit", tail);
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd ?? repoRoot,
    env: opts.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: opts.ownProcessGroup ?? false,
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const lines = (partial + chunk).split(/\r?\n/);
      partial = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) writeLine(line);
    });
    stream.on("end", () => {
      if (partial.trim()) writeLine(partial);
      partial = "";
    });
  }
  // Never leave a child behind when this process exits without calling stop().
  const killOnExit = () => child.kill("SIGKILL");
  process.on("exit", killOnExit);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("error", (error) => {
      writeLine(`failed to start: ${error.message}`);
      process.removeListener("exit", killOnExit);
      resolve({ code: null, signal: null });
    });
    child.once("exit", (code, signal) => {
      process.removeListener("exit", killOnExit);
      resolve({ code, signal });
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    name: opts.name,
    pid: child.pid,
    exited,
    tail: () => [...tail],
    stop: () =>
      (stopping ??= stopProcess(child, opts.graceMs)
        .then(() => exited)
        .then(() => undefined)),
  };
}

function describeExit(e: { code: number | null; signal: NodeJS.Signals | null }): string {
  return e.signal ? `signal ${e.signal}` : `code ${e.code}`;
}

/**
 * Starts the built web app (`node server.js`, serving build/index.js) on `port` with `env` (merged over
 * process.env) and waits until GET /healthz answers 200.
 */
export async function startWeb(opts: {
  env: Record<string, string | undefined>;
  port: number;
  output?: OutputSink;
  /** How long to wait for GET /healthz → 200. Default 30 s. */
  timeoutMs?: number;
  /**
   * SIGTERM → SIGKILL grace; server.js closes its connections and exits on SIGTERM. Default 3 s.
   */
  graceMs?: number;
  ownProcessGroup?: boolean;
  /** Extra `node` flags, e.g. --cpu-prof (benchmarks). */
  nodeArgs?: string[];
}): Promise<WebProcess> {
  const buildFile = path.join(repoRoot, "build", "index.js");
  if (!fs.existsSync(buildFile)) throw new Error(`${buildFile} is missing: run \`npx remix build\` first.`);
  const service = spawnService({
    name: "web",
    command: process.execPath,
    args: [...(opts.nodeArgs ?? []), path.join(repoRoot, "server.js")],
    env: { ...process.env, ...opts.env, PORT: String(opts.port) },
    output: opts.output,
    graceMs: opts.graceMs ?? 3000,
    ownProcessGroup: opts.ownProcessGroup,
  });
  const url = `http://127.0.0.1:${opts.port}`;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void service.exited.then((e) => (exit = e));
  let last: string;
  for (;;) {
    if (exit) {
      throw new Error(`The web server exited during start-up (${describeExit(exit)}). Last output:\n${service.tail().join("\n")}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      const body = await res.text();
      if (res.status === 200) break;
      last = `HTTP ${res.status}: ${body.slice(0, 300)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      await service.stop();
      throw new Error(
        `The web server did not answer ${url}/healthz with 200 within ${timeoutMs / 1000}s (last: ${last}). Last output:\n` + service.tail().join("\n"),
      );
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { ...service, url, port: opts.port };
}

/** Starts the background workers (`node --import tsx workers/index.ts`) with `env` merged over process.env. */
export async function startWorkers(opts: {
  env: Record<string, string | undefined>;
  output?: OutputSink;
  /** SIGTERM → SIGKILL grace, for finishing the jobs in hand. Default 10 s. */
  graceMs?: number;
  ownProcessGroup?: boolean;
  /** Extra `node` flags, e.g. --cpu-prof (benchmarks). */
  nodeArgs?: string[];
  /** The prefix of its output lines (default "workers"), e.g. "worker-2" when several run side by side. */
  name?: string;
}): Promise<ServiceProcess> {
  return spawnService({
    name: opts.name ?? "workers",
    command: process.execPath,
    args: [...(opts.nodeArgs ?? []), "--import", "tsx", path.join(repoRoot, "workers", "index.ts")],
    env: { ...process.env, ...opts.env },
    output: opts.output,
    graceMs: opts.graceMs ?? 10_000,
    ownProcessGroup: opts.ownProcessGroup,
  });
}
