// StringInterner: values unchanged, one table entry per distinct string (uid, resourceVersion
// and long strings left out), the table bounded. (That the copies are shared is not observable
// from JavaScript, where strings compare by value; the heap figures are in intern.ts's header.)
import { describe, expect, it } from 'vitest';
import { MAX_INTERNED_LENGTH, StringInterner } from './intern.ts';

const unit = (name: string, uid: string) => ({
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'ServiceUnit',
  metadata: { name, namespace: 'acme', uid, resourceVersion: `rv-${uid}`, generation: 1, annotations: { note: 'x'.repeat(MAX_INTERNED_LENGTH + 1) } },
  spec: { level: 'OS', targets: [{ kind: 'VirtualMachine', name: `vm-${name}` }], prerequisites: { validated: ['Backup', 'Patching'] } },
  status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Reconciled', message: '' }, { type: 'Stalled', status: 'False', reason: 'Reconciled', message: '' }] },
});

describe('StringInterner', () => {
  it('leaves every value as it was and files each distinct string once', () => {
    const interner = new StringInterner();
    const a = interner.deep(unit('a', 'u-1'));
    const b = interner.deep(unit('b', 'u-2'));
    expect(a).toEqual(unit('a', 'u-1'));
    expect(b).toEqual(unit('b', 'u-2'));
    // Shared: managedapps.dev/v1alpha1, ServiceUnit, acme, OS, VirtualMachine, Backup, Patching,
    // Ready, True, Reconciled, '', Stalled, False = 13; per unit: its name and its VM's = 2 × 2.
    // Not filed: uid, resourceVersion, the 257-character note.
    expect(interner.size).toBe(13 + 4);
  });

  it('starts over when full, so its table stays bounded', () => {
    const interner = new StringInterner(3);
    for (const s of ['a', 'b', 'c']) interner.string(s);
    expect(interner.size).toBe(3);
    expect(interner.string('d')).toBe('d');
    expect(interner.size).toBe(1);
    expect(interner.deep(['e', ['f', { g: 'h' }], 1, null])).toEqual(['e', ['f', { g: 'h' }], 1, null]);
    expect(interner.size).toBe(1);
  });
});
