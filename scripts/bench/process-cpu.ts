import fs from "node:fs";

/**
 * CPU time (user + system, ms) used so far by processes and everything they started, read from
 * /proc (Linux). Unlike decisions per second, CPU per decided lead hardly moves when other work
 * shares the machine, so it compares two builds measured at different loads. Children that
 * already exited count through their parent's cutime/cstime.
 */
const TICK_MS = 10; // USER_HZ is 100 on every Linux we run on

interface ProcStat {
  pid: number;
  ppid: number;
  ms: number;
  childrenMs: number;
}

function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command (2nd field) may hold spaces and parentheses: the fields that follow start after the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const n = (i: number) => Number(fields[i - 3]);
  return { pid, ppid: n(4), ms: (n(14) + n(15)) * TICK_MS, childrenMs: (n(16) + n(17)) * TICK_MS };
}

function allStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) stats.push(stat);
  }
  return stats;
}

/** CPU ms used by the process trees rooted at `roots` (the roots themselves included). */
export function treeCpuMs(roots: number[]): number {
  const stats = allStats();
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  let total = 0;
  const seen = new Set<number>();
  const visit = (s: ProcStat) => {
    if (seen.has(s.pid)) return;
    seen.add(s.pid);
    total += s.ms + s.childrenMs;
    for (const c of children.get(s.pid) ?? []) visit(c);
  };
  for (const pid of roots) {
    const s = byPid.get(pid);
    if (s) visit(s);
  }
  return total;
}

/** The PostgreSQL server whose data directory is `dataDir` (its postmaster's pid), if it runs here. */
export function postmasterPidOf(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(`${dataDir}/postmaster.pid`, "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
