import { describe, expect, it } from 'vitest';
import { isAllowlistableEntry, isAllowlisted } from './address-policy.ts';

describe('per-caller private-host allowlists', () => {
  it('accepts host names, IPs and CIDRs but never link-local or metadata addresses', () => {
    for (const ok of ['127.0.0.1', '::1', '[::1]', '10.0.0.0/8', 'erp.internal', 'localhost', 'shop_api.lan']) expect(isAllowlistableEntry(ok), ok).toBe(true);
    for (const bad of ['169.254.169.254', '169.254.0.0/16', 'fe80::1', '0.0.0.0', '::', 'http://x', 'a b', '10.0.0.0/x', '']) expect(isAllowlistableEntry(bad), bad).toBe(false);
  });

  it('matches by host name, exact address, network and IPv4-mapped forms', () => {
    expect(isAllowlisted('ERP.internal', '10.1.1.1', ['erp.internal'])).toBe(true);
    expect(isAllowlisted('other.internal', '10.1.1.1', ['erp.internal'])).toBe(false);
    expect(isAllowlisted('x', '127.0.0.1', ['127.0.0.1'])).toBe(true);
    expect(isAllowlisted('x', '::ffff:127.0.0.1', ['127.0.0.1'])).toBe(true);
    expect(isAllowlisted('x', '10.9.8.7', ['10.0.0.0/8'])).toBe(true);
    expect(isAllowlisted('x', '192.168.1.1', ['10.0.0.0/8'])).toBe(false);
    expect(isAllowlisted('x', '::1', ['::1'])).toBe(true);
  });

  it('never lets a name-based entry reach link-local or metadata addresses', () => {
    expect(isAllowlisted('metadata.internal', '169.254.169.254', ['metadata.internal'])).toBe(false);
    expect(isAllowlisted('x', '::ffff:169.254.169.254', ['x'])).toBe(false);
    expect(isAllowlisted('x', 'fe80::1', ['x'])).toBe(false);
  });
});
