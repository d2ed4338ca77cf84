import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "../stack/ports";
import { stopProcess } from "../stack/processes";
import { pingRedis } from "../stack/redis";

export interface OwnRedis {
  url: string;
  port: number;
  /** Stops redis-server (SIGTERM; no persistence, so every key is gone) and resolves once it has exited. */
  stop(): Promise<void>;
  /** Starts redis-server again on the same port; resolves once it answers PING. */
  start(): Promise<void>;
}

/**
 * A redis-server of the chaos run's own on a free port (never the machine's shared 6379), which
 * the run may stop and start again on the same port. No persistence: a restart loses every queued
 * job, as a crashed Redis without AOF would; the outbox is what brings them back.
 */
export async function startOwnRedis(log: (line: string) => void): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const tail: string[] = [];
  const killOnExit = () => child?.kill("SIGKILL");
  process.on("exit", killOnExit);

  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    const started = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = started;
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString().split(/\r?\n/)) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
      }
    };
    started.once("error", (error) => collect(Buffer.from(`failed to start redis-server: ${error.message}`)));
    started.stdout!.on("data", collect);
    started.stderr!.on("data", collect);
    const deadline = Date.now() + 10_000;
    while (!(await pingRedis("127.0.0.1", port))) {
      if (started.exitCode !== null || started.signalCode !== null || Date.now() > deadline) {
        started.kill("SIGKILL");
        throw new Error(`redis-server did not start on port ${port}:\n${tail.join("\n")}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    log(`redis-server (pid ${started.pid}) answering on port ${port}`);
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop: async () => {
      const running = child;
      if (running) await stopProcess(running, 5000);
    },
  };
}
