import { z } from 'zod';

/** `:id` path parameter: a UUID (anything else is a 400 with a field error, never a database error). */
export const idParams = z.object({ id: z.uuid().describe('The object\'s id (UUID).') });
