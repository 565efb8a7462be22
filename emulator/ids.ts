import { randomBytes, randomInt } from 'node:crypto';

/**
 * A message id shaped like Meta's: `wamid.` + base64 of a small binary record that embeds the
 * customer's number and a random part (e.g. `wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEjhC…`).
 */
export function newWamid(waId: string, direction: 'in' | 'out'): string {
  const random = randomBytes(9).toString('hex').toUpperCase();
  const record = Buffer.concat([
    Buffer.from([0x1c, 0x18, waId.length]),
    Buffer.from(waId),
    Buffer.from([0x15, 0x02, 0x00, direction === 'out' ? 0x11 : 0x12, 0x18, random.length]),
    Buffer.from(random),
    Buffer.from([0x00]),
  ]);
  return `wamid.${record.toString('base64')}`;
}

/**
 * A numeric Graph object id (media, templates): 15 digits like Meta's, and below 2^53 because
 * webhooks carry template ids as JSON numbers (`message_template_id`).
 */
export function newNumericId(): string {
  return `${randomInt(1, 10)}${String(randomInt(0, 1e7)).padStart(7, '0')}${String(randomInt(0, 1e7)).padStart(7, '0')}`;
}
