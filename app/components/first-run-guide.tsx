import { Link } from "@remix-run/react";

// The affiliate's first three steps on the dashboard: each says whether it is done and where to do it.

export interface FirstRunSteps {
  apiKey: boolean;
  testLead: boolean;
  realLead: boolean;
}

const STEPS: ReadonlyArray<{ key: keyof FirstRunSteps; title: string; how: string; to: string; link: string }> = [
  { key: "apiKey", title: "Create an API key", how: "Your server signs every lead it posts with it.", to: "/affiliate/api-keys", link: "API keys" },
  {
    key: "testLead",
    title: "Send a test lead",
    how: "Post a lead with test=true: Leadex answers what would happen to it and stores nothing.",
    to: "/affiliate/send-leads",
    link: "Send leads",
  },
  {
    key: "realLead",
    title: "Send your first real lead",
    how: "The same post without test=true. It shows on your leads page with every check explained.",
    to: "/affiliate/leads",
    link: "Leads",
  },
];

export function FirstRunGuide({ steps }: { steps: FirstRunSteps }) {
  return (
    <section className="card first-run-guide" data-testid="first-run-guide" aria-labelledby="first-run-title">
      <h2 id="first-run-title">Get started in three steps</h2>
      <ol className="guide-steps">
        {STEPS.map((step) => (
          <li key={step.key} data-done={steps[step.key] ? "yes" : "no"} data-testid={`guide-${step.key}`}>
            <span className={`badge badge-${steps[step.key] ? "success" : "muted"}`}>{steps[step.key] ? "done" : "to do"}</span> <strong>{step.title}</strong> —{" "}
            {step.how} <Link to={step.to}>{step.link}</Link>
          </li>
        ))}
      </ol>
    </section>
  );
}
