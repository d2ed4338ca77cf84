import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import net from "node:net";
import { freePort } from "./ports";
import { stopProcess } from "./processes";

export interface RedisHandle {
  url: string;
  /** "env" = REDIS_URL, "local" = an already running 127.0.0.1:6379, "spawned" = a redis-server we started. */
  source: "env" | "local" | "spawned";
  stop(): Promise<void>;
}

/** Sends PING over raw TCP; true when the server answers +PONG within `timeoutMs`. */
export function pingRedis(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}

function onPath(binary: string): boolean {
  return (process.env.PATH ?? "").split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir || ".", binary), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * A Redis to use: REDIS_URL when set; else a Redis already answering on 127.0.0.1:6379;
 * else a throwaway `redis-server` (no persistence) on a free port, stopped by stop() or on exit.
 */
export async function ensureRedis(opts: { log?: (line: string) => void } = {}): Promise<RedisHandle> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) return { url: fromEnv, source: "env", stop: async () => undefined };

  if (await pingRedis("127.0.0.1", 6379)) {
    return { url: "redis://127.0.0.1:6379", source: "local", stop: async () => undefined };
  }

  if (!onPath("redis-server")) {
    throw new Error(
      "Leadex needs Redis, and none was found: REDIS_URL is not set, nothing answers on 127.0.0.1:6379, " +
        "and `redis-server` is not on PATH.\n" +
        "  Debian/Ubuntu: sudo apt-get install redis-server\n" +
        "  macOS:         brew install redis\n" +
        "  or point REDIS_URL at a Redis you already have (e.g. REDIS_URL=redis://host:6379).",
    );
  }

  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const tail: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split(/\r?\n/)) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      opts.log?.(line);
    }
  };
  child.once("error", (error) => collect(Buffer.from(`failed to start redis-server: ${error.message}`)));
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const deadline = Date.now() + 10_000;
  while (!(await pingRedis("127.0.0.1", port))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      process.removeListener("exit", killOnExit);
      throw new Error(`redis-server did not start on port ${port}:\n${tail.join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  let stopped: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    source: "spawned",
    stop: () =>
      (stopped ??= stopProcess(child).finally(() => {
        process.removeListener("exit", killOnExit);
      })),
  };
}
