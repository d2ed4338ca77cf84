import { visibleText } from "./app";
import type { FuzzCase } from "./fuzz-cases";

// The failure report of test/fuzz-endpoints.test.ts: failing requests grouped by what went wrong,
// the smallest of each replayed alone to show the server's error, and a reproducer for each.

export interface Answer {
  status: number;
  contentType: string;
  location: string | null;
  setCookie: string | null;
  text: string;
  /** The parsed body when it is JSON. */
  json: any;
}

export interface Failure {
  index: number;
  fuzz: FuzzCase;
  problem: string;
  status: number;
  headline: string;
}

/** Sends one case alone and returns its answer with what the server logged meanwhile. */
export type Replay = (fuzz: FuzzCase) => Promise<{ answer: Answer; log: string[] }>;

/** The gist of an answer: its JSON error, the error page's first line, or its first words. */
export function headlineOf(answer: Answer): string {
  const error = answer.json?.error;
  if (error && typeof error.message === "string") return `${String(error.code)}: ${error.message}`;
  const pre = /<pre>([\s\S]*?)<\/pre>/.exec(answer.text);
  const text = pre
    ? pre[1]
        .replace(/&nbsp;/g, " ")
        .replace(/<br>/g, "\n")
        .replace(/&#39;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
    : visibleText(answer.text);
  return text.trim().split("\n")[0].slice(0, 160);
}

/** The request of a case, shown so it can be sent again by hand or with FUZZ_CASE. */
export function reproducer(index: number, fuzz: FuzzCase, reproduce: string): string {
  const body = fuzz.body === undefined ? "" : typeof fuzz.body === "string" ? fuzz.body : `(bytes) ${Buffer.from(fuzz.body).toString("latin1")}`;
  const shownBody = body.length > 600 ? `${JSON.stringify(body.slice(0, 600))}… (${body.length} chars in all)` : JSON.stringify(body);
  return [
    `case ${index} (${reproduce} FUZZ_CASE=${index}): ${fuzz.notes}`,
    `  ${fuzz.pingFirst ? "(after a ping for a real bid token) " : ""}${fuzz.method} ${fuzz.path.length > 400 ? `${fuzz.path.slice(0, 400)}…` : fuzz.path}`,
    ...Object.entries(fuzz.headers).map(([k, v]) => `  ${k}: ${v.length > 120 ? `${v.slice(0, 120)}…` : v}`),
    ...(fuzz.body === undefined ? [] : [`  body: ${shownBody}`]),
  ].join("\n");
}

const requestSize = (fuzz: FuzzCase) => fuzz.path.length + (fuzz.body ? (typeof fuzz.body === "string" ? fuzz.body.length : fuzz.body.byteLength) : 0);

const ERROR_HEADER = /^(\w*(Error|Exception)\b|error: )/;

/** Each error in server log lines: its message and the first frame in Leadex's code. */
function errorsIn(log: string[]): string[] {
  const lines = log.filter((line) => line.startsWith("[web] ")).map((line) => line.slice(6));
  const errors: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!ERROR_HEADER.test(lines[i])) continue;
    let header = lines[i].trim();
    if (header.startsWith("ZodError")) header = "ZodError (a schema's parse threw)";
    // Prisma puts the message on the lines after "PrismaClient…Error:".
    else if (header.endsWith(":"))
      header += ` ${lines
        .slice(i + 1, i + 4)
        .filter((l) => l.trim() && !/^\s*at /.test(l))
        .join(" ")}`;
    let frame: string | undefined;
    let inStack = false;
    for (let j = i + 1; j < lines.length && !ERROR_HEADER.test(lines[j]); j++) {
      const isFrame = /^\s*at /.test(lines[j]);
      if (inStack && !isFrame) break;
      inStack ||= isFrame;
      const at = /^\s*at (?:async )?(\S+) \(.*(?:build\/index\.js|server\.js)|^\s*at (?:async )?.*\/(server\.js|build\/index\.js):/.exec(lines[j]);
      if (at) {
        frame = at[1] ?? at[2];
        break;
      }
    }
    errors.push(`${header}${frame ? ` (at ${frame})` : ""}`);
  }
  return errors;
}

const normalised = (text: string) =>
  text
    .replace(/'[^']*'|"[^"]*"|`[^`]*`/g, "…")
    .replace(/\d+/g, "N")
    .slice(0, 240);

/** The errors the web server logged, counted by kind. */
export function loggedErrorSummary(log: string[]): string {
  const counts = new Map<string, number>();
  for (const error of errorsIn(log)) counts.set(normalised(error), (counts.get(normalised(error)) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([, a], [, b]) => b - a)
    .map(([error, count]) => `  ${String(count).padStart(5)} × ${error}`)
    .join("\n");
}

const REPLAY_BUDGET = 150;

/**
 * One entry per distinct failure. Requests failing the same way (endpoint, problem, answer) are
 * sampled, smallest and across sizes, and replayed alone, so the server's log names each one's error.
 */
export async function failureReport(failures: Failure[], replay: Replay, reproduce: string): Promise<string> {
  const groups = new Map<string, Failure[]>();
  for (const f of failures) {
    const key = `${f.fuzz.label} | ${f.problem} | ${normalised(f.headline)}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const quota = Math.max(3, Math.floor(REPLAY_BUDGET / groups.size));
  const distinct = new Map<string, { count: number; example: Failure; answer: Answer; log: string[] }>();
  for (const members of groups.values()) {
    const bySize = [...members].sort((a, b) => requestSize(a.fuzz) - requestSize(b.fuzz));
    const picks = [
      ...new Set(Array.from({ length: Math.min(quota, bySize.length) }, (_, i) => Math.floor((i * bySize.length) / Math.min(quota, bySize.length)))),
    ];
    for (const pick of picks) {
      const example = bySize[pick];
      const { answer, log } = await replay(example.fuzz);
      const failsAlone = answer.status === example.status;
      const cause = failsAlone ? (errorsIn(log)[0] ?? example.headline) : `only together with other requests (alone it answers ${answer.status})`;
      const key = `${example.fuzz.label} — ${example.problem} — ${normalised(cause).slice(0, 240)}`;
      const share = members.length / picks.length;
      const known = distinct.get(key);
      if (known) known.count += share;
      else distinct.set(key, { count: share, example, answer, log });
    }
  }
  const sections = [...distinct.entries()].map(([key, { count, example, answer, log }], i) =>
    [
      `${i + 1}. ${key} (~${Math.round(count)} requests)`,
      reproducer(example.index, example.fuzz, reproduce),
      `  answer: ${example.status} ${example.headline}${answer.status !== example.status ? ` (alone: ${answer.status})` : ""}`,
      ...(log.length > 0 ? ["  server log:", ...log.slice(0, 12).map((line) => `    ${line.slice(0, 300)}`)] : []),
    ].join("\n"),
  );
  return `${failures.length} failing requests, ${distinct.size} distinct failures (reproduce: ${reproduce}):\n\n${sections.join("\n\n")}`;
}
