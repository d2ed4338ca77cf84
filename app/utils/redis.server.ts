import { Redis } from "ioredis";
import { getEnv } from "./env.server";

// The web process's own Redis connection, for the brute-force counters (Bull keeps its own).

/** A command never waits longer than this: a slow or unreachable Redis must not hold up a login. */
const COMMAND_TIMEOUT_MS = 500;
const WARN_EVERY_MS = 60_000;

let client: Redis | undefined;
let lastWarnedAt = 0;

/** Warns about Redis trouble at most once a minute, so an outage does not flood the log. */
export function warnRedisTrouble(what: string, error: unknown) {
  const now = Date.now();
  if (now - lastWarnedAt < WARN_EVERY_MS) return;
  lastWarnedAt = now;
  console.warn(`[redis] ${what}: ${error instanceof Error ? error.message : String(error)}`);
}

export function getRedis(): Redis {
  if (!client) {
    client = new Redis(getEnv().REDIS_URL, {
      commandTimeout: COMMAND_TIMEOUT_MS,
      // Queued commands fail after one reconnection attempt instead of waiting for Redis to return.
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
    });
    // Without a listener ioredis prints every failed reconnection as an unhandled error.
    client.on("error", (error) => warnRedisTrouble("unreachable, sign-in/sign-up/API-key limits fail open until it is back", error));
  }
  return client;
}

/** True when commands would fail at once or wait for a reconnection: callers fail open instead. */
export function redisIsDown(): boolean {
  return client !== undefined && (client.status === "reconnecting" || client.status === "end" || client.status === "close");
}
