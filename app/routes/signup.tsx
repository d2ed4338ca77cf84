import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { AuthForm } from "~/components/auth-form";
import { Field, FieldError } from "~/components/field";
import { signUpSchema } from "~/modules/accounts/accounts.schema";
import { MIN_PASSWORD_LENGTH } from "~/modules/accounts/accounts.constants";
import { countSignUpAttempt, signUp } from "~/modules/accounts/accounts.server";
import { clientAddressOf } from "~/utils/client-address.server";
import { redirectWithFlash } from "~/utils/flash.server";
import { ConflictError } from "~/utils/errors";
import { formFailure, formRouteHeaders, handleForm, readForm } from "~/utils/route-errors.server";
import { createUserSession, getSessionUser, homePathFor } from "~/utils/session.server";

export const headers = formRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Sign up · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getSessionUser(request);
  if (user) throw redirect(homePathFor(user.role));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  return handleForm(await readForm(request), signUpSchema, async (data, values) => {
    let user;
    try {
      await countSignUpAttempt(clientAddressOf(context));
      user = await signUp(data);
    } catch (error) {
      if (error instanceof ConflictError) return formFailure({ email: error.message }, undefined, 409, values);
      throw error;
    }
    const cookie = await createUserSession(user.id);
    return redirectWithFlash(homePathFor(user.role), "Welcome to Leadex: your account is ready.", { headers: { "Set-Cookie": cookie } });
  });
}

const ROLES = [
  { value: "ADVERTISER", title: "Buy leads", label: "Advertiser" },
  { value: "AFFILIATE", title: "Sell leads", label: "Affiliate" },
] as const;

export default function SignUp() {
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors ?? {};
  const values = actionData?.values ?? {};
  return (
    <AuthForm
      title="Create your account"
      formError={actionData?.formError}
      submitLabel="Create account"
      footer={
        <>
          Already have an account? <Link to="/login">Log in</Link>
        </>
      }
    >
      <fieldset className="field role-choice" aria-describedby={errors.role ? "f-role-error" : undefined}>
        <legend>I want to</legend>
        {ROLES.map((role) => (
          <label key={role.value} className="choice">
            <input type="radio" name="role" value={role.value} defaultChecked={values.role === role.value} />
            <span>
              <strong>{role.title}</strong>
              <small>{role.label}</small>
            </span>
          </label>
        ))}
        <FieldError id="f-role-error" error={errors.role} />
      </fieldset>
      <Field name="name" label="Your name" autoComplete="name" required maxLength={100} defaultValue={values.name} error={errors.name} />
      <Field
        name="companyName"
        label="Company name"
        autoComplete="organization"
        required
        maxLength={100}
        defaultValue={values.companyName}
        error={errors.companyName}
      />
      <Field name="email" label="Email" type="email" autoComplete="email" required defaultValue={values.email} error={errors.email} />
      <Field
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD_LENGTH}
        maxLength={200}
        hint={`At least ${MIN_PASSWORD_LENGTH} characters, and not easy to guess: no common password, and not your name, email or company.`}
        error={errors.password}
      />
    </AuthForm>
  );
}
