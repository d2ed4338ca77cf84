import { RateLimiterRedis, type RateLimiterRes } from "rate-limiter-flexible";
import { getEnv } from "./env.server";
import { getRedis, redisIsDown, warnRedisTrouble } from "./redis.server";

// Counters in Redis for what must not happen too often (failed sign-ins, sign-ups, bad API keys),
// through rate-limiter-flexible. Each counter counts up in a fixed window that starts at its first
// hit; it has "reached" its limit once `max` hits were counted in the current window.
// If Redis is down or slow, the counters fail open (nothing is counted, nothing is refused) with a
// warning: Redis holds no data the database needs, and a login must still work without it.

export interface CounterState {
  /** Hits counted in the current window (0 when none, or when Redis could not be asked). */
  count: number;
  /** `count >= max`: the caller refuses until the window ends. */
  reached: boolean;
  /** Whole seconds until the window ends (at least 1 while anything is counted). */
  retryAfterSeconds: number;
}

const NOTHING_COUNTED: CounterState = { count: 0, reached: false, retryAfterSeconds: 0 };

export class RedisCounter {
  private limiter: RateLimiterRedis | undefined;

  constructor(
    /** Names the counter in Redis keys and warnings: "login-address". */
    readonly name: string,
    private readonly limits: () => { max: number; windowSeconds: number },
  ) {}

  /** How `key` stands, without counting. */
  peek(key: string): Promise<CounterState> {
    return this.ask("read", (limiter) => limiter.get(key));
  }

  /** Counts one hit for `key` and returns how it stands afterwards. */
  hit(key: string): Promise<CounterState> {
    return this.ask("count", (limiter) => limiter.penalty(key, 1));
  }

  /** Marks `key` as having reached its limit for `seconds`, whatever it counted before. */
  async block(key: string, seconds: number): Promise<void> {
    await this.ask("block", (limiter) => limiter.block(key, seconds));
  }

  /** Starts `key` afresh. */
  async forget(key: string): Promise<void> {
    await this.ask("reset", async (limiter) => {
      await limiter.delete(key);
      return null;
    });
  }

  private async ask(what: string, run: (limiter: RateLimiterRedis) => Promise<RateLimiterRes | null>): Promise<CounterState> {
    if (redisIsDown()) {
      warnRedisTrouble(`${this.name} counter not used (fail open)`, "Redis is unreachable");
      return NOTHING_COUNTED;
    }
    try {
      const res = await run(this.getLimiter());
      if (!res) return NOTHING_COUNTED;
      const { max } = this.limits();
      return {
        count: res.consumedPoints,
        reached: res.consumedPoints >= max,
        retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
      };
    } catch (error) {
      warnRedisTrouble(`${this.name} counter could not ${what} (fail open)`, error);
      return NOTHING_COUNTED;
    }
  }

  private getLimiter(): RateLimiterRedis {
    if (!this.limiter) {
      const { max, windowSeconds } = this.limits();
      this.limiter = new RateLimiterRedis({
        storeClient: getRedis(),
        keyPrefix: `${getEnv().QUEUE_PREFIX}:limit:${this.name}`,
        points: max,
        duration: windowSeconds,
      });
    }
    return this.limiter;
  }
}
