import { execFile } from "node:child_process";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

// Runnable examples in the docs: inside a ```bash / ```sh block, a comment line
// `# expect 201` right before a `curl …` command (backslash continuations and '…' strings over several lines allowed) makes that
// command a checked example. Commands run with real curl through bash, with the variables the
// docs use ($APP_URL, $LEADEX_API_KEY, ...) in the environment.

export interface DocExample {
  file: string;
  line: number;
  command: string;
  expectStatus: number;
}

export function extractDocExamples(file: string, markdown: string): DocExample[] {
  const examples: DocExample[] = [];
  const lines = markdown.split("\n");
  let inShell = false;
  let expectStatus: number | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^```/.test(line)) {
      inShell = !inShell && /^```(bash|sh|shell)\s*$/.test(line);
      expectStatus = null;
      continue;
    }
    if (!inShell) continue;
    const expectation = /^#\s*expect\s+(\d{3})\b/.exec(line.trim());
    if (expectation) {
      expectStatus = Number(expectation[1]);
      continue;
    }
    if (expectStatus !== null && line.trim().startsWith("curl ")) {
      const start = i;
      let command = line;
      for (;;) {
        if (i + 1 >= lines.length) break;
        if (command.trimEnd().endsWith("\\")) command = `${command.trimEnd().slice(0, -1)} ${lines[++i].trim()}`;
        else if (insideSingleQuotes(command)) command = `${command}\n${lines[++i]}`;
        else break;
      }
      examples.push({ file, line: start + 1, command, expectStatus });
      expectStatus = null;
    }
  }
  return examples;
}

/** Whether a shell command stops inside a '…' string (a JSON body written over several lines). */
function insideSingleQuotes(command: string): boolean {
  let inSingle = false;
  let inDouble = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (inSingle) inSingle = c !== "'";
    else if (c === "\\") i++;
    else if (c === '"') inDouble = !inDouble;
    else if (c === "'" && !inDouble) inSingle = true;
  }
  return inSingle;
}

/** Runs one example; returns the HTTP status and the body curl printed. */
export async function runDocExample(example: DocExample, env: Record<string, string>): Promise<{ status: number; body: string }> {
  const marker = "\n__LEADEX_HTTP_STATUS__:";
  const { stdout } = await execFileAsync("bash", ["-c", `${example.command} -w '${marker}%{http_code}'`], {
    env: { ...process.env, ...env },
    timeout: 20_000,
  });
  const at = stdout.lastIndexOf(marker);
  return { status: Number(stdout.slice(at + marker.length).trim()), body: stdout.slice(0, at) };
}
