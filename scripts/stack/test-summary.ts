/**
 * Prints the final "N passed, N failed" line of scripts/test.sh from vitest's JSON report.
 * Usage: test-summary.ts <report.json> <vitest exit code> [<lint exit code>]
 * A failed `npm run lint` counts as one failure.
 * Exits non-zero when no test ran at all.
 */
import { existsSync, readFileSync } from "node:fs";

interface Report {
  numPassedTests: number;
  numFailedTests: number;
  testResults: Array<{ name: string; status: string; message?: string; assertionResults: Array<{ status: string }> }>;
}

const [file, codeArg, lintArg] = process.argv.slice(2);
const vitestCode = Number(codeArg ?? 0);
const lintFailed = Number(lintArg ?? 0) !== 0;

if (!file || !existsSync(file)) {
  console.log(`vitest wrote no report (exit code ${vitestCode}).`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}

const report = JSON.parse(readFileSync(file, "utf8")) as Report;
// Files that failed without a failing test: import errors, failing beforeAll/afterAll, ...
const brokenFiles = report.testResults.filter((r) => r.status === "failed" && !r.assertionResults.some((a) => a.status === "failed"));
let failed = report.numFailedTests + brokenFiles.length;
const passed = report.numPassedTests;

for (const r of brokenFiles) console.log(`failed outside a test: ${r.name}${r.message ? `\n  ${r.message.split("\n")[0]}` : ""}`);
if (vitestCode !== 0 && failed === 0) {
  console.log(`vitest exited with code ${vitestCode} although every test passed (errors outside tests, see above).`);
  failed = 1;
}
if (lintFailed) {
  console.log("npm run lint failed (ESLint's import fence and rules, Prettier's formatting): see its output above.");
  failed += 1;
}
const ran = passed + report.numFailedTests;
if (ran === 0) console.log("No test ran.");
console.log(`${passed} passed, ${failed} failed`);
process.exit(ran === 0 || lintFailed ? 1 : 0);
