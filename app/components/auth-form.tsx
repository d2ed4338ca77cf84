import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { FormError, SubmitButton } from "./field";
import { PublicShell } from "./public-shell";

/** The card of the log in and sign up pages: title, the form's fields, its button and a link to the other page. */
export function AuthForm({
  title,
  formError,
  submitLabel,
  footer,
  children,
}: {
  title: string;
  formError?: string;
  submitLabel: string;
  footer: ReactNode;
  children: ReactNode;
}) {
  return (
    <PublicShell>
      <div className="auth-card card">
        <h1>{title}</h1>
        <Form method="post" className="form" noValidate>
          <FormError error={formError} />
          {children}
          <SubmitButton className="button button-block">{submitLabel}</SubmitButton>
        </Form>
        <p className="muted center">{footer}</p>
      </div>
    </PublicShell>
  );
}
