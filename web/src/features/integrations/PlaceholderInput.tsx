import { Combobox, Textarea, TextInput, useCombobox } from '@mantine/core';
import { type ChangeEvent, type CSSProperties, type ReactNode, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MONO, type Suggestion } from './tool-form.ts';

/** Props of `PlaceholderInput`. */
export interface PlaceholderInputProps {
  value: string;
  onChange: (value: string) => void;
  suggestions: Suggestion[];
  label?: ReactNode;
  description?: ReactNode;
  placeholder?: string;
  error?: ReactNode;
  multiline?: boolean;
  required?: boolean;
  monospace?: boolean;
  'aria-label'?: string;
  style?: CSSProperties;
}

const OPEN = /\{\{\s*([\w.]*)$/;

/**
 * A text field with placeholder autocomplete: typing `{{` lists the tool's inputs, contact fields and
 * the integration's secrets (or, in a reply, the response values); choosing one inserts `{{name}}` at
 * the cursor.
 */
export function PlaceholderInput({ value, onChange, suggestions, multiline, monospace, ...props }: PlaceholderInputProps) {
  const { t } = useTranslation('integrations');
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() });
  const input = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const [query, setQuery] = useState<string | null>(null);

  const changed = (next: string, caret: number | null) => {
    onChange(next);
    const match = OPEN.exec(next.slice(0, caret ?? next.length));
    if (match) {
      setQuery(match[1] ?? '');
      combobox.openDropdown();
      combobox.updateSelectedOptionIndex();
    } else {
      setQuery(null);
      combobox.closeDropdown();
    }
  };
  const pick = (option: string) => {
    const caret = input.current?.selectionStart ?? value.length;
    const before = value.slice(0, caret).replace(/\{\{\s*[\w.]*$/, `{{${option}}}`);
    const after = value.slice(caret).replace(/^[\w.]*\s*\}\}/, '');
    onChange(before + after);
    setQuery(null);
    combobox.closeDropdown();
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(before.length, before.length);
    });
  };
  const q = (query ?? '').toLowerCase();
  const shown = query === null ? [] : suggestions.filter((s) => s.value.toLowerCase().includes(q)).slice(0, 30);
  const groups = [...new Set(shown.map((s) => s.group))];
  const common = {
    ...props,
    ref: input,
    value,
    styles: monospace ? MONO : undefined,
    onChange: (e: ChangeEvent<HTMLInputElement & HTMLTextAreaElement>) => changed(e.currentTarget.value, e.currentTarget.selectionStart),
    onBlur: () => combobox.closeDropdown(),
    autoComplete: 'off',
    spellCheck: false,
  };
  return (
    <Combobox store={combobox} onOptionSubmit={pick} withinPortal position="bottom-start">
      <Combobox.Target>{multiline ? <Textarea autosize minRows={3} maxRows={16} {...common} /> : <TextInput {...common} />}</Combobox.Target>
      <Combobox.Dropdown hidden={shown.length === 0}>
        <Combobox.Options>
          {groups.map((group) => (
            <Combobox.Group key={group} label={t(`builder.suggestions.${group}`)}>
              {shown
                .filter((s) => s.group === group)
                .map((s) => (
                  <Combobox.Option key={s.value} value={s.value} ff="monospace" fz="sm">
                    {`{{${s.value}}}`}
                  </Combobox.Option>
                ))}
            </Combobox.Group>
          ))}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  );
}
