import { AppError, conflict, type FieldIssue, notFound, validationError } from '../../shared/errors.ts';

/** 404 for a contact that does not exist in the caller's organization. */
export const contactNotFound = () => notFound('Contact', 'contact_not_found');
/** 404 for a group that does not exist in the caller's organization. */
export const groupNotFound = () => notFound('Group', 'group_not_found');
/** 404 for a custom field that does not exist in the caller's organization. */
export const fieldNotFound = () => notFound('Contact field', 'contact_field_not_found');
/** 404 for an import that does not exist in the caller's organization. */
export const importNotFound = () => notFound('Import', 'import_not_found');

/** 409 when another contact already has this phone. */
export const phoneTaken = (existingId: string) =>
  new AppError('conflict', 'contact_phone_taken', 'Another contact already has this phone number', {
    issues: [{ path: 'phone', message: `Already used by contact ${existingId}` }],
  });
/** 409 when another contact already has this e-mail. */
export const emailTaken = (existingId: string) =>
  new AppError('conflict', 'contact_email_taken', 'Another contact already has this e-mail address', {
    issues: [{ path: 'email', message: `Already used by contact ${existingId}` }],
  });
/** 409 when a group name is used (case-insensitively). */
export const groupNameTaken = () => conflict('A group with this name already exists', 'group_name_taken');
/** 409 when a custom field key is used. */
export const fieldKeyTaken = () => conflict('A contact field with this key already exists', 'contact_field_key_taken');

/** 400 for contact input that does not pass validation, field by field. */
export const invalidContact = (issues: FieldIssue[]) => validationError('The contact has invalid fields', issues, 'contact_invalid');

/** 409 for an import in a state that does not allow the operation. */
export const importState = (message: string, code = 'import_wrong_state') => new AppError('conflict', code, message);

/** A contact with conflicting values found while changing a field's type. */
export interface FieldConflict {
  contactId: string;
  name: string;
  value: string;
}

/**
 * 409 listing the contacts whose values do not fit a field's new type or options: each conflict is an
 * entry of the problem's `errors` with `path` `contacts.<id>` and the offending value in `message`.
 */
export const fieldValuesConflict = (conflicts: FieldConflict[], total: number) =>
  new AppError('conflict', 'contact_field_values_conflict', `${total} contact(s) have values that do not fit the new definition`, {
    issues: conflicts.map((c) => ({ path: `contacts.${c.contactId}`, message: `${JSON.stringify(c.value)} (${c.name})` })),
  });
