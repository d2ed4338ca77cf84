import { useNavigation } from "@remix-run/react";
import { useEffect, useRef, type ReactNode } from "react";
import type { formBinding } from "~/utils/forms";

// Form building blocks: a label, the control, an optional hint and the error in red, wired up
// with aria-invalid / aria-describedby so the error is read out with the field.

interface FieldFrameProps {
  name: string;
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  id?: string;
  className?: string;
}

/** The ids and aria attributes that tie a control to its label, hint and error. */
function controlWiring({ name, id, hint, error }: FieldFrameProps) {
  const controlId = id ?? `f-${name}`;
  const describedBy = [hint ? `${controlId}-hint` : null, error ? `${controlId}-error` : null].filter(Boolean).join(" ");
  return {
    id: controlId,
    name,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy || undefined,
  } as const;
}

/**
 * After a failed submit, focus goes to the first field with an error (or, with none, to the form's
 * error), so a keyboard or screen-reader user lands on what to fix. Only with JavaScript: without
 * it the page still shows every error beside its field.
 */
function useFocusWhenFailed(error: string | undefined, target: () => HTMLElement | null | undefined) {
  useEffect(() => {
    if (!error) return;
    const active = document.activeElement;
    if (active?.getAttribute("aria-invalid") === "true" || active?.classList.contains("alert-error")) return;
    target()?.focus();
    // Only when the error first shows, not on every render while it stays.
  }, [error]);
}

function firstInvalidControl(): HTMLElement | null {
  return document.querySelector<HTMLElement>('[aria-invalid="true"]');
}

function FieldFrame({ controlId, label, hint, error, className, children }: Omit<FieldFrameProps, "name" | "id"> & { controlId: string; children: ReactNode }) {
  useFocusWhenFailed(error, firstInvalidControl);
  return (
    <div className={`field${className ? ` ${className}` : ""}`}>
      <label htmlFor={controlId}>{label}</label>
      {children}
      {hint ? (
        <p className="hint" id={`${controlId}-hint`}>
          {hint}
        </p>
      ) : null}
      <FieldError id={`${controlId}-error`} error={error} />
    </div>
  );
}

type FieldProps = FieldFrameProps & Omit<React.InputHTMLAttributes<HTMLInputElement>, "name">;

export function Field({ name, label, error, hint, id, className, ...input }: FieldProps) {
  const wiring = controlWiring({ name, label, error, hint, id });
  return (
    <FieldFrame controlId={wiring.id} label={label} hint={hint} error={error} className={className}>
      <input {...wiring} {...input} />
    </FieldFrame>
  );
}

type SelectFieldProps = FieldFrameProps &
  Omit<React.SelectHTMLAttributes<HTMLSelectElement>, "name"> & {
    options: ReadonlyArray<{ value: string; label: string }>;
  };

export function SelectField({ name, label, error, hint, options, id, className, ...select }: SelectFieldProps) {
  const wiring = controlWiring({ name, label, error, hint, id });
  return (
    <FieldFrame controlId={wiring.id} label={label} hint={hint} error={error} className={className}>
      <select {...wiring} {...select}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/** A whole-number field of a form: the bounds its schema allows, which the browser checks too. */
export interface NumberFieldSpec {
  name: string;
  label: ReactNode;
  min: number;
  max?: number;
  hint?: ReactNode;
  /** What the field holds before anything is typed. */
  fallback?: string;
  /** Where the schema puts this field's error, when not under its name. */
  error?: string;
}

/** Whole-number fields side by side, each bound to the form's answer; `children` follow them in the row. */
export function NumberFields({ fields, bind, children }: { fields: readonly NumberFieldSpec[]; bind: ReturnType<typeof formBinding>; children?: ReactNode }) {
  return (
    <div className="form-row">
      {fields.map(({ name, label, min, max, hint, fallback, error }) => (
        <Field key={name} {...bind(name, { fallback, error })} label={label} type="number" min={min} max={max} hint={hint} />
      ))}
      {children}
    </div>
  );
}

export function FieldError({ id, error }: { id?: string; error?: string }) {
  if (!error) return null;
  return (
    <p className="field-error" id={id}>
      {error}
    </p>
  );
}

/** A message about the whole form (wrong credentials, a conflict ...). */
export function FormError({ error }: { error?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useFocusWhenFailed(error, () => firstInvalidControl() ?? ref.current);
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert" tabIndex={-1} ref={ref}>
      {error}
    </div>
  );
}

/** A form's submit button, disabled while a form on the page is being submitted. */
export function SubmitButton({ className = "button", children }: { className?: string; children: ReactNode }) {
  const navigation = useNavigation();
  return (
    <button type="submit" className={className} disabled={navigation.state === "submitting"}>
      {children}
    </button>
  );
}
