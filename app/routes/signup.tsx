import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { Field, FieldError, FormError } from "~/components/field";
import { PublicShell } from "~/components/public-shell";
import { signUpSchema } from "~/modules/accounts/accounts.schema";
import { signUp } from "~/modules/accounts/accounts.server";
import { ConflictError, zodFieldErrors } from "~/utils/errors";
import { formValues } from "~/utils/forms";
import { formFailure, formFailureFrom } from "~/utils/route-errors.server";
import { createUserSession, getSessionUser, homePathFor } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Sign up · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getSessionUser(request);
  if (user) throw redirect(homePathFor(user.role));
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const values = formValues(form);
  const parsed = signUpSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return formFailure(zodFieldErrors(parsed.error.issues), undefined, 400, values);
  let user;
  try {
    user = await signUp(parsed.data);
  } catch (error) {
    if (error instanceof ConflictError) return formFailure({ email: error.message }, undefined, 409, values);
    return formFailureFrom(error, values);
  }
  const cookie = await createUserSession(user.id);
  return redirect(homePathFor(user.role), { headers: { "Set-Cookie": cookie } });
}

export default function SignUp() {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors = actionData?.errors ?? {};
  const values = actionData?.values ?? {};
  return (
    <PublicShell>
      <div className="auth-card card">
        <h1>Create your account</h1>
        <Form method="post" className="form" noValidate>
          <FormError error={actionData?.formError} />
          <fieldset className="field role-choice" aria-describedby={errors.role ? "f-role-error" : undefined}>
            <legend>I want to</legend>
            <label className="choice">
              <input type="radio" name="role" value="ADVERTISER" defaultChecked={values.role === "ADVERTISER"} />
              <span>
                <strong>Buy leads</strong>
                <small>Advertiser</small>
              </span>
            </label>
            <label className="choice">
              <input type="radio" name="role" value="AFFILIATE" defaultChecked={values.role === "AFFILIATE"} />
              <span>
                <strong>Sell leads</strong>
                <small>Affiliate</small>
              </span>
            </label>
            <FieldError id="f-role-error" error={errors.role} />
          </fieldset>
          <Field name="name" label="Your name" autoComplete="name" required defaultValue={values.name} error={errors.name} />
          <Field
            name="companyName"
            label="Company name"
            autoComplete="organization"
            required
            defaultValue={values.companyName}
            error={errors.companyName}
          />
          <Field
            name="email"
            label="Email"
            type="email"
            autoComplete="email"
            required
            defaultValue={values.email}
            error={errors.email}
          />
          <Field
            name="password"
            label="Password"
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            hint="At least 8 characters."
            error={errors.password}
          />
          <button type="submit" className="button button-block" disabled={navigation.state === "submitting"}>
            Create account
          </button>
        </Form>
        <p className="muted center">
          Already have an account? <Link to="/login">Log in</Link>
        </p>
      </div>
    </PublicShell>
  );
}
