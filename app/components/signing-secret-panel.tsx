import { Form } from "@remix-run/react";
import { CodeBlock, CopyButton } from "./copy-button";

const VERIFY_SNIPPET = `import { createHmac, timingSafeEqual } from "node:crypto";

// header: the Leadex-Signature request header; payload: the raw body (POST)
// or the full request URL (GET postbacks); secret: your signing secret.
export function isFromLeadex(header, payload, secret, toleranceSeconds = 300) {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=")));
  const t = Number(parts.t);
  if (!t || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac("sha256", secret).update(\`\${t}.\${payload}\`).digest("hex");
  const given = Buffer.from(parts.v1 ?? "", "hex");
  return given.length === 32 && timingSafeEqual(given, Buffer.from(expected, "hex"));
}`;

/** The company's signing secret with rotate, and how to check a Leadex-Signature with it. */
export function SigningSecretPanel({ secret, rotated, what }: { secret: string; rotated: boolean; what: string }) {
  return (
    <section className="card">
      <h2>Signing secret</h2>
      <p>
        Every {what} carries a <code>Leadex-Signature: t=&lt;unix time&gt;,v1=&lt;hex&gt;</code> header: the HMAC-SHA256, keyed with this secret, of{" "}
        <code>&lt;t&gt;.&lt;body&gt;</code> (for a GET, <code>&lt;t&gt;.&lt;full URL&gt;</code>). Refuse requests whose signature does not match or whose{" "}
        <code>t</code> is more than five minutes old.
      </p>
      {rotated ? (
        <div className="alert alert-success" role="status">
          A new secret is in use: update your receiver now.
        </div>
      ) : null}
      <div className="secret">
        <code data-testid="signing-secret">{secret}</code>
        <CopyButton text={secret} />
      </div>
      <Form method="post" className="form-actions">
        <input type="hidden" name="intent" value="rotate" />
        <button type="submit" className="button button-danger button-small">
          Rotate secret
        </button>
      </Form>
      <CodeBlock title="Verify a signature (Node)" code={VERIFY_SNIPPET} />
    </section>
  );
}
