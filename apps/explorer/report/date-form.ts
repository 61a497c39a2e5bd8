import { createElement as h } from 'react';

/** One date input of a report's form: its id (the tests and the label find it by that), label and value. */
export interface DateField {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
}

/**
 * The form above a report page that picks its dates (a period, a day to age at): the figures are
 * read again only when it is submitted, not on every keystroke.
 */
export function DateForm({ fields, submit, hint, onSubmit }: { fields: readonly DateField[]; submit: string; hint: string; onSubmit(): void }) {
  return h(
    'form',
    {
      className: 'report-period',
      onSubmit: (event: { preventDefault(): void }) => {
        event.preventDefault();
        onSubmit();
      },
    },
    ...fields.flatMap((field) => [
      h('label', { key: `${field.id}-label`, htmlFor: field.id }, field.label),
      h('input', { key: field.id, id: field.id, type: 'date', value: field.value, onChange: (event: { target: { value: string } }) => field.onChange(event.target.value) }),
    ]),
    h('button', { type: 'submit' }, submit),
    h('span', { className: 'report-hint' }, hint),
  );
}
