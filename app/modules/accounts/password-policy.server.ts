import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";
import { ValidationError } from "~/utils/errors";
import { MIN_PASSWORD_LENGTH } from "./accounts.schema";

// The password rule, wherever a password is set: at least MIN_PASSWORD_LENGTH characters and not
// easy to guess by zxcvbn (common-password and diceware lists, keyboard patterns, sequences, dates,
// repeats, and the person's own email, name and company), scored at least MIN_PASSWORD_SCORE of 4.
// Server-only: the dictionaries are large and stay out of the browser bundle.

/** zxcvbn's 3: "safely unguessable", about 10^8 guesses or more. */
const MIN_PASSWORD_SCORE = 3;

/** zxcvbn's warnings by key (the English language package is not installed; these are ours). */
const WARNINGS: Record<string, string> = {
  straightRow: "Straight rows of keys are easy to guess.",
  keyPattern: "Short keyboard patterns are easy to guess.",
  simpleRepeat: 'Repeated characters like "aaa" are easy to guess.',
  extendedRepeat: 'Repeated patterns like "abcabcabc" are easy to guess.',
  sequences: 'Sequences like "abc" or "6543" are easy to guess.',
  recentYears: "Recent years are easy to guess.",
  dates: "Dates are easy to guess.",
  topTen: "This is one of the most used passwords.",
  topHundred: "This is a very commonly used password.",
  common: "This is a commonly used password.",
  similarToCommon: "This is too close to a commonly used password.",
  wordByItself: "A single word is easy to guess.",
  namesByThemselves: "Names on their own are easy to guess.",
  commonNames: "Common names are easy to guess.",
  userInputs: "It contains your email, name or company.",
  pwned: "This password has appeared in a data breach.",
};
const TOO_GUESSABLE = "This password is too easy to guess.";
const ADVICE = "Add more words or characters, or use a few unrelated words.";

let zxcvbn: ZxcvbnFactory | undefined;

function strengthChecker(): ZxcvbnFactory {
  zxcvbn ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs, useLevenshteinDistance: true });
  return zxcvbn;
}

/** The words of the person's own details, so a password built from them counts as guessable. */
function personalWords(person: { email: string; name: string; companyName?: string | null }): string[] {
  const details = [person.email, person.name, person.companyName ?? "", "leadex"].map((d) => d.toLowerCase());
  const words = details.flatMap((detail) => detail.split(/[^\p{L}\p{N}]+/u)).filter((word) => word.length >= 3);
  return [...new Set([...details.filter(Boolean), ...words])];
}

/** Why the password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, person: { email: string; name: string; companyName?: string | null }): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters`;
  const result = strengthChecker().check(password, personalWords(person));
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  const warning = result.feedback.warning ? WARNINGS[result.feedback.warning] : undefined;
  return `${warning ?? TOO_GUESSABLE} ${ADVICE}`;
}

/** Refuses a short or guessable password with a 422 naming the password field. */
export function assertPasswordAcceptable(password: string, person: { email: string; name: string; companyName?: string | null }) {
  const problem = passwordProblem(password, person);
  if (problem) throw new ValidationError({ password: problem }, "Choose a stronger password");
}
