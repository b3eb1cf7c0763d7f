/** What the controller hands out carries no secret (x-cairn-secret fields), and no copy when there is none. */
import { describe, expect, it } from 'vitest';
import { driftField, redactSpec } from '../../controller/run/redaction.js';

describe('redaction', () => {
  it('blanks a VM\'s user data and SSH key, leaves the input alone, and hands out a secret-free spec as it is', () => {
    const secret = { zone: 'z1', userData: 'c2VjcmV0', sshKey: 'ssh-ed25519 AAAA', state: 'Running' };
    const out = redactSpec('VirtualMachine', secret)!;
    expect(out).toEqual({ zone: 'z1', userData: '(redacted)', sshKey: '(redacted)', state: 'Running' });
    expect(secret.userData).toBe('c2VjcmV0');
    const plain = { zone: 'z1', state: 'Running' };
    expect(redactSpec('VirtualMachine', plain)).toBe(plain);
    expect(redactSpec('Zone', undefined)).toBeNull();
  });

  it('redacts a drift field on a secret path', () => {
    expect(JSON.stringify(driftField('VirtualMachine', { path: 'userData', from: 'b2xk', to: 'bmV3' }))).not.toMatch(/b2xk|bmV3/);
    expect(driftField('VirtualMachine', { path: 'state', from: 'Stopped', to: 'Running' })).toEqual({ path: 'state', desired: 'Running', observed: 'Stopped' });
  });
});
