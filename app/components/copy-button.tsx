import { useEffect, useState } from "react";

/**
 * Copies a text to the clipboard. Progressive enhancement: it only appears once JavaScript runs;
 * without it the text next to it is still there to select by hand.
 */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [ready, setReady] = useState(false);
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => setReady(typeof navigator !== "undefined" && Boolean(navigator.clipboard)), []);
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  if (!ready) return null;
  return (
    <button
      type="button"
      className="button button-small button-ghost copy-button"
      onClick={() => {
        navigator.clipboard.writeText(text).then(
          () => setState("copied"),
          () => setState("failed"),
        );
      }}
    >
      <span aria-live="polite">{state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : label}</span>
    </button>
  );
}

/** A block of code with its copy button. */
export function CodeBlock({ code, title, copy = true }: { code: string; title?: string; copy?: boolean }) {
  return (
    <div className="code-block">
      <div className="code-block-bar">
        <span>{title}</span>
        {copy ? <CopyButton text={code} /> : null}
      </div>
      {/* Focusable so a keyboard can scroll a long line into view. */}
      <pre tabIndex={0} aria-label={title ? `${title} (code)` : "Code"}>
        <code>{code}</code>
      </pre>
    </div>
  );
}
