import { Button, Divider, Group, MultiSelect, NumberInput, Select, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { api, isApiError, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { rules } from '../../components/forms.ts';
import { type Contact, type ContactField, keys, useAllGroups, useContactFields } from './api.ts';

/** The form's values (every input is text; numbers are converted on save). */
export interface ContactFormValues {
  firstName: string;
  lastName: string;
  phone: string;
  email: string;
  groupIds: string[];
  address: { street: string; city: string; state: string; postalCode: string; country: string };
  notes: string;
  customFields: Record<string, string>;
}

function initialValues(contact: Contact | null, fields: ContactField[]): ContactFormValues {
  const custom: Record<string, string> = {};
  for (const f of fields) {
    const v = contact?.customFields[f.key];
    custom[f.key] = v === undefined ? '' : String(v);
  }
  return {
    firstName: contact?.firstName ?? '',
    lastName: contact?.lastName ?? '',
    phone: contact?.phone ?? '',
    email: contact?.email ?? '',
    groupIds: contact?.groups.map((g) => g.id) ?? [],
    address: {
      street: contact?.address.street ?? '',
      city: contact?.address.city ?? '',
      state: contact?.address.state ?? '',
      postalCode: contact?.address.postalCode ?? '',
      country: contact?.address.country ?? '',
    },
    notes: contact?.notes ?? '',
    customFields: custom,
  };
}

const PHONE_CHARS = /^[\d\s+\-()./]*$/;

/** The form hook, so its type can be passed to the field components. */
function useContactForm(contact: Contact | null, fields: ContactField[]) {
  const { t } = useTranslation('contacts');
  return useForm<ContactFormValues>({
    initialValues: initialValues(contact, fields),
    validate: (v) => {
      const errors: Record<string, string | null> = {};
      if (!v.firstName.trim() && !v.lastName.trim() && !v.phone.trim() && !v.email.trim()) errors.firstName = t('form.needIdentity');
      const digits = v.phone.replace(/\D/g, '');
      if (v.phone.trim() && (!PHONE_CHARS.test(v.phone) || digits.length < 6 || digits.length > 15)) errors.phone = t('form.phoneInvalid');
      if (v.email.trim()) errors.email = rules.email(v.email);
      for (const f of fields) {
        const value = (v.customFields[f.key] ?? '').trim();
        const path = `customFields.${f.key}`;
        if (f.required && value === '') errors[path] = rules.required(value);
        else if (value && f.inputType === 'number' && !/^[+-]?\d+([.,]\d+)?$/.test(value)) errors[path] = t('form.numberInvalid');
        else if (value && f.inputType === 'email') errors[path] = rules.email(value);
      }
      return errors;
    },
  });
}
type ContactFormHook = ReturnType<typeof useContactForm>;

/** One custom field, as its definition says: text/number/e-mail input, select box or text area. */
function CustomFieldInput({ field, form }: { field: ContactField; form: ContactFormHook }) {
  const { t } = useTranslation('contacts');
  const props = { label: field.label, required: field.required, ...form.getInputProps(`customFields.${field.key}`) };
  if (field.component === 'select') return <Select {...props} data={field.options} placeholder={t('form.choose')} clearable={!field.required} />;
  if (field.component === 'textarea') return <Textarea {...props} autosize minRows={2} maxRows={8} />;
  if (field.inputType === 'number') {
    const { value, onChange, ...rest } = props;
    return <NumberInput {...rest} value={value === '' ? '' : Number(String(value).replace(',', '.'))} onChange={(n) => onChange(n === '' ? '' : String(n))} decimalSeparator="," thousandSeparator={false} />;
  }
  return <TextInput {...props} type={field.inputType === 'email' ? 'email' : 'text'} />;
}

/**
 * The contact form of the Contacts page and the inbox's contact panel: names, phone, e-mail, groups,
 * custom fields in their place (before or after the address), address and notes, with inline
 * validation (required fields, e-mail, phone, numbers) and the server's answers under each input.
 */
export function ContactForm({ contact, onSaved, compact = false }: { contact: Contact | null; onSaved?: (c: Contact) => void; compact?: boolean }) {
  const fields = useContactFields();
  if (!fields.data) return null;
  return <ContactFormInner key={contact?.id ?? 'new'} contact={contact} fields={fields.data} onSaved={onSaved} compact={compact} />;
}

function ContactFormInner({ contact, fields, onSaved, compact }: { contact: Contact | null; fields: ContactField[]; onSaved?: (c: Contact) => void; compact: boolean }) {
  const { t } = useTranslation(['contacts', 'app']);
  const form = useContactForm(contact, fields);
  const groups = useAllGroups();
  const save = useApiMutation({
    mutationFn: (v: ContactFormValues) => {
      const customFields: Record<string, string | number | null> = {};
      for (const f of fields) {
        const raw = (v.customFields[f.key] ?? '').trim();
        customFields[f.key] = raw === '' ? null : f.inputType === 'number' ? Number(raw.replace(',', '.')) : raw;
      }
      const body = {
        firstName: v.firstName.trim(),
        lastName: v.lastName.trim(),
        phone: v.phone.trim() || null,
        email: v.email.trim() || null,
        groupIds: v.groupIds,
        address: Object.fromEntries(Object.entries(v.address).map(([k, x]) => [k, x.trim() || null])),
        notes: v.notes,
        customFields,
      };
      return contact
        ? unwrap(api.PATCH('/api/v1/contacts/{id}', { params: { path: { id: contact.id } }, body }))
        : unwrap(api.POST('/api/v1/contacts', { body }));
    },
    form,
    errorNs: 'contacts',
    invalidate: [keys.contacts, keys.groups],
    successMessage: contact ? t('form.saved') : t('form.created'),
    onError: (error) => {
      if (isApiError(error, 409, 'contact_phone_taken')) form.setFieldError('phone', t('problems.contact_phone_taken'));
      else if (isApiError(error, 409, 'contact_email_taken')) form.setFieldError('email', t('problems.contact_email_taken'));
      else return false;
      return true;
    },
    onSuccess: (saved) => {
      if (!contact) form.reset();
      onSaved?.(saved);
    },
  });
  const before = fields.filter((f) => f.position === 'before_address');
  const after = fields.filter((f) => f.position === 'after_address');
  const cols = compact ? 1 : { base: 1, sm: 2 };

  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
      <Stack gap="sm">
        <Text fw={600} size="sm">
          {t('form.personal')}
        </Text>
        <SimpleGrid cols={cols}>
          <TextInput label={t('form.firstName')} autoComplete="off" {...form.getInputProps('firstName')} />
          <TextInput label={t('form.lastName')} autoComplete="off" {...form.getInputProps('lastName')} />
          <TextInput label={t('form.phone')} description={t('form.phoneHint')} type="tel" autoComplete="off" {...form.getInputProps('phone')} />
          <TextInput label={t('form.email')} type="email" autoComplete="off" {...form.getInputProps('email')} />
        </SimpleGrid>
        <MultiSelect
          label={t('form.groups')}
          placeholder={t('form.groupsPlaceholder')}
          data={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
          searchable
          clearable
          {...form.getInputProps('groupIds')}
        />
        {before.length ? (
          <>
            <Divider label={t('form.additional')} labelPosition="left" />
            <SimpleGrid cols={cols}>
              {before.map((f) => (
                <CustomFieldInput key={f.id} field={f} form={form} />
              ))}
            </SimpleGrid>
          </>
        ) : null}
        <Divider label={t('form.address')} labelPosition="left" />
        <TextInput label={t('form.street')} autoComplete="off" {...form.getInputProps('address.street')} />
        <SimpleGrid cols={cols}>
          <TextInput label={t('form.city')} autoComplete="off" {...form.getInputProps('address.city')} />
          <TextInput label={t('form.state')} autoComplete="off" {...form.getInputProps('address.state')} />
          <TextInput label={t('form.postalCode')} autoComplete="off" {...form.getInputProps('address.postalCode')} />
          <TextInput label={t('form.country')} autoComplete="off" {...form.getInputProps('address.country')} />
        </SimpleGrid>
        {after.length ? (
          <>
            <Divider label={t('form.additional')} labelPosition="left" />
            <SimpleGrid cols={cols}>
              {after.map((f) => (
                <CustomFieldInput key={f.id} field={f} form={form} />
              ))}
            </SimpleGrid>
          </>
        ) : null}
        <Textarea label={t('form.notes')} description={t('form.notesHint')} autosize minRows={2} maxRows={8} {...form.getInputProps('notes')} />
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending}>
            {contact ? t('form.saveChanges') : t('form.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
