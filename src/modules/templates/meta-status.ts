import type { MessageTemplateRow } from '../../db/schema/index.ts';

/** Meta's status word → ours; undefined for events that do not change the status (FLAGGED, DELETED…). */
export function mapMetaStatus(status: string): MessageTemplateRow['status'] | undefined {
  switch (status.toUpperCase()) {
    case 'APPROVED':
    case 'REINSTATED':
    case 'UNARCHIVED':
      return 'approved';
    case 'PENDING':
      return 'pending';
    case 'REJECTED':
      return 'rejected';
    case 'PAUSED':
      return 'paused';
    case 'DISABLED':
      return 'disabled';
    case 'IN_APPEAL':
      return 'in_appeal';
    case 'PENDING_DELETION':
      return 'pending_deletion';
    case 'ARCHIVED':
      return 'archived';
    case 'LIMIT_EXCEEDED':
      return 'limit_exceeded';
    case 'LOCKED':
      return 'locked';
    default:
      return undefined;
  }
}
