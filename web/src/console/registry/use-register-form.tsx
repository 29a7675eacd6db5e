import { type FormEvent, type InputHTMLAttributes, useEffect, useState } from 'react';
import { api, ApiError, type FieldError } from '../../shared/api';

type TextKey<F> = { [K in keyof F]: F[K] extends string ? K : never }[keyof F];

/**
 * The state of a register's add/edit form: the values, the server's field errors and whether a
 * save is under way. `save` sends; when the server refuses, its message and the fields it names
 * are shown and the form can be sent again.
 */
export function useRegisterForm<F>(initial: F) {
  const [form, setForm] = useState<F>(initial);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<F>) => setForm((f) => ({ ...f, ...patch }));

  /** A text input bound to one text field of the form. */
  const input = (name: TextKey<F> & string, extra: InputHTMLAttributes<HTMLInputElement> & Record<`data-${string}`, string> = {}) => (
    <input name={name} value={form[name] as string} onChange={(e) => set({ [name]: e.target.value } as Partial<F>)} {...extra} />
  );

  async function save(e: FormEvent, send: () => Promise<void>) {
    e.preventDefault();
    setErrors([]);
    setError(null);
    setBusy(true);
    try {
      await send();
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) setErrors(err.fields);
      setBusy(false);
    }
  }

  /** Shows what the browser already found wrong, next to its fields; nothing is sent. */
  function refuse(e: FormEvent, fields: FieldError[]) {
    e.preventDefault();
    setError(null);
    setErrors(fields);
  }

  return { form, setForm, set, input, errors, error, setError, busy, save, refuse };
}

/** On an edit page (`id` set), loads the record once and hands it to `loaded`; a failure to `failed`. */
export function useRecordToEdit<R>(id: string | undefined, path: (id: string) => string, loaded: (record: R) => void, failed: (err: unknown) => void) {
  useEffect(() => {
    if (!id) return;
    api.get<R>(path(id)).then(loaded, failed);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);
}
