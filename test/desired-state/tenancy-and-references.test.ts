/**
 * Tenancy (a tenant kind names exactly one declared account or project; a global kind names
 * none), identity (kind, tenant, name) and references (resolved by name, within the tenant, to
 * global kinds and to shared networks).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { examplePositionOf, exampleFiles, lines, loadFiles, removeTempDirs, type FileMap } from '../support/desired-state-repo.js';
import { expectIssues, expectOneIssue } from '../support/expect-issues.js';

afterAll(removeTempDirs);

const GROUP = 'tenants/acme/groups.yaml';
const withFiles = (files: FileMap) => ({ ...exampleFiles(), ...files });

/** A second account, globex, in the example's domain; it has no limits. */
const GLOBEX = {
  'tenants/globex/account.yaml': lines(
    'apiVersion: cairn.dev/v1',
    'kind: Account',
    'metadata: { name: globex }',
    'spec: { domain: customers }',
  ),
};

/** A VM of globex on `network` (lines 1-8; the network's name starts at column 26 of line 8). */
const globexVm = (network: string, extra = '') => lines(
  'apiVersion: cairn.dev/v1',
  'kind: VirtualMachine',
  'metadata: { name: g-web-1, account: globex }',
  'spec:',
  '  zone: zone1',
  '  serviceOffering: small',
  '  template: debian-12',
  `  networks: [ { network: ${network}${extra} } ]`,
);

describe('tenant.missing', () => {
  it('points at the metadata key of a tenant kind without account or project', async () => {
    const result = await loadFiles(withFiles({ [GROUP]: lines(
      'apiVersion: cairn.dev/v1',
      'kind: AffinityGroup',
      'metadata:',
      '  name: g1',
      'spec: { type: host-affinity }',
    ) }));
    expectOneIssue(result, { file: GROUP, line: 3, column: 1, rule: 'tenant.missing', message: 'AffinityGroup is owned by a tenant: set metadata.account (or metadata.project)' });
  });
});

describe('tenant.both', () => {
  it('points at the project key when both account and project are set', async () => {
    const result = await loadFiles(withFiles({ [GROUP]: lines(
      'apiVersion: cairn.dev/v1',
      'kind: AffinityGroup',
      'metadata:',
      '  name: g1',
      '  account: acme',
      '  project: website',
      'spec: { type: host-affinity }',
    ) }));
    expectOneIssue(result, { file: GROUP, line: 6, column: 3, rule: 'tenant.both', message: 'names both an account and a project' });
  });
});

describe('tenant.not-allowed', () => {
  it('points at the account key of a global kind', async () => {
    const result = await loadFiles(withFiles({ 'catalog/more.yaml': lines(
      'apiVersion: cairn.dev/v1',
      'kind: ServiceOffering',
      'metadata:',
      '  name: tiny',
      '  account: acme',
      'spec: { cpuCores: 1, cpuMhz: 500, memoryMiB: 512 }',
    ) }));
    expectOneIssue(result, { file: 'catalog/more.yaml', line: 5, column: 3, rule: 'tenant.not-allowed', message: 'ServiceOffering is a global kind: metadata.account is not allowed' });
  });

  it('points at the project key of a global kind', async () => {
    const result = await loadFiles(withFiles({ 'catalog/more.yaml': lines(
      'apiVersion: cairn.dev/v1',
      'kind: DiskOffering',
      'metadata: { name: data-100, project: website }',
      'spec: { sizeGiB: 100 }',
    ) }));
    expectOneIssue(result, { file: 'catalog/more.yaml', line: 3, column: 29, rule: 'tenant.not-allowed', message: 'metadata.project is not allowed' });
  });
});

describe('tenant.unknown', () => {
  it('points at an undeclared account and suggests the closest', async () => {
    const result = await loadFiles(withFiles({ [GROUP]: lines(
      'apiVersion: cairn.dev/v1',
      'kind: AffinityGroup',
      'metadata:',
      '  name: g1',
      '  account: acmee',
      'spec: { type: host-affinity }',
    ) }));
    expectOneIssue(result, { file: GROUP, line: 5, column: 12, rule: 'tenant.unknown', message: 'account "acmee" is not declared (no Account named so); did you mean acme?' });
  });

  it('points at an undeclared project, and accepts a declared one', async () => {
    const result = await loadFiles(withFiles({
      'tenants/website/project.yaml': lines('apiVersion: cairn.dev/v1', 'kind: Project', 'metadata: { name: website }', 'spec: { domain: customers }'),
      'tenants/website/groups.yaml': lines(
        'apiVersion: cairn.dev/v1',
        'kind: AffinityGroup',
        'metadata: { name: g1, project: website }',
        'spec: { type: host-affinity }',
        '---',
        'apiVersion: cairn.dev/v1',
        'kind: AffinityGroup',
        'metadata: { name: g2, project: webshop }',
        'spec: { type: host-affinity }',
      ),
    }));
    expectOneIssue(result, { file: 'tenants/website/groups.yaml', line: 8, column: 32, rule: 'tenant.unknown', message: 'project "webshop" is not declared (no Project named so)' });
  });
});

describe('identity.duplicate', () => {
  it('points at the second declaration and names the first one file:line:col, across files', async () => {
    const first = examplePositionOf('catalog/offerings.yaml', 'data-50');
    const result = await loadFiles(withFiles({ 'catalog/storage-offerings.yaml': lines(
      'apiVersion: cairn.dev/v1',
      'kind: DiskOffering',
      'metadata:',
      '  name: data-50',
      'spec: { sizeGiB: 100 }',
    ) }));
    expectOneIssue(result, {
      file: 'catalog/storage-offerings.yaml', line: 4, column: 9, rule: 'identity.duplicate',
      message: `DiskOffering data-50 is declared twice; the first is at catalog/offerings.yaml:${first.line}:${first.column}`,
    });
  });

  it('names the tenant of a duplicated tenant resource, within one file', async () => {
    const result = await loadFiles(withFiles({ [GROUP]: lines(
      'apiVersion: cairn.dev/v1',
      'kind: AffinityGroup',
      'metadata: { name: g1, account: acme }',
      'spec: { type: host-affinity }',
      '---',
      'apiVersion: cairn.dev/v1',
      'kind: AffinityGroup',
      'metadata: { name: g1, account: acme }',
      'spec: { type: host-anti-affinity }',
    ) }));
    expectOneIssue(result, { file: GROUP, line: 8, column: 19, rule: 'identity.duplicate', message: `AffinityGroup acme/g1 is declared twice; the first is at ${GROUP}:3:19` });
  });

  it('is not a duplicate: the same name in another tenant, or in another kind', async () => {
    const result = await loadFiles(withFiles({
      ...GLOBEX,
      'tenants/globex/groups.yaml': lines(
        'apiVersion: cairn.dev/v1',
        'kind: AffinityGroup',
        'metadata: { name: web-spread, account: globex }',
        'spec: { type: host-affinity }',
        '---',
        'apiVersion: cairn.dev/v1',
        'kind: AffinityGroup',
        'metadata: { name: web-1, account: acme }',
        'spec: { type: host-affinity }',
      ),
    }));
    expectIssues(result, []);
  });
});

describe('ref.unresolved', () => {
  const VM3 = 'tenants/acme/more-vms.yaml';
  const vm3 = (offering: string, template = 'debian-12', groups = '[web-spread]') => lines(
    'apiVersion: cairn.dev/v1',
    'kind: VirtualMachine',
    'metadata: { name: web-3, account: acme }',
    'spec:',
    '  zone: zone1',
    `  serviceOffering: ${offering}`,
    `  template: ${template}`,
    '  networks: [ { network: web-net } ]',
    `  affinityGroups: ${groups}`,
  );

  it('points at a misspelt global reference and suggests the closest name', async () => {
    const result = await loadFiles(withFiles({ [VM3]: vm3('smal') }));
    expectOneIssue(result, { file: VM3, line: 6, column: 20, rule: 'ref.unresolved', message: 'no ServiceOffering named "smal"; did you mean small?' });
  });

  it('suggests nothing when no name is close', async () => {
    const result = await loadFiles(withFiles({ [VM3]: vm3('small', 'ubuntu-24.04') }));
    const issue = expectOneIssue(result, { file: VM3, line: 7, column: 13, rule: 'ref.unresolved', message: 'no Template named "ubuntu-24.04"' });
    expect(issue.message).not.toContain('did you mean');
  });

  it('points at the item of a list of references, in the tenant', async () => {
    const result = await loadFiles(withFiles({ [VM3]: vm3('small', 'debian-12', '[web-spread, db-sprad]') }));
    expectOneIssue(result, { file: VM3, line: 9, column: 32, rule: 'ref.unresolved', message: 'no AffinityGroup named "db-sprad" visible to account acme' });
  });

  it('does not resolve a name to a resource of another kind', async () => {
    const result = await loadFiles(withFiles({ [VM3]: lines(
      'apiVersion: cairn.dev/v1',
      'kind: VirtualMachine',
      'metadata: { name: web-3, account: acme }',
      'spec: { zone: zone1, serviceOffering: small, template: debian-12, networks: [ { network: web-spread } ] }',
    ) }));
    expectOneIssue(result, { file: VM3, line: 4, column: 90, rule: 'ref.unresolved', message: 'no Network named "web-spread"' });
  });
});

describe('ref.cross-tenant', () => {
  it("points at account B's reference to account A's network", async () => {
    const result = await loadFiles(withFiles({ ...GLOBEX, 'tenants/globex/vms.yaml': globexVm('web-net') }));
    expectOneIssue(result, {
      file: 'tenants/globex/vms.yaml', line: 8, column: 26, rule: 'ref.cross-tenant',
      message: 'Network "web-net" belongs to account acme, not to account globex',
    });
  });
});

describe('shared networks', () => {
  const DMZ = (account: string) => lines(
    'apiVersion: cairn.dev/v1',
    'kind: Network',
    `metadata: { name: dmz, account: ${account} }`,
    'spec: { zone: zone1, type: Shared, cidr: 10.50.0.0/24 }',
  );

  it('may be referenced from another tenant', async () => {
    const result = await loadFiles(withFiles({ ...GLOBEX, 'tenants/acme/dmz.yaml': DMZ('acme'), 'tenants/globex/vms.yaml': globexVm('dmz', ', ip: 10.50.0.10') }));
    expectIssues(result, []);
  });

  it('ref.ambiguous: two shared networks of the same name, referenced from a third tenant', async () => {
    const result = await loadFiles(withFiles({
      ...GLOBEX,
      'tenants/initech/account.yaml': lines('apiVersion: cairn.dev/v1', 'kind: Account', 'metadata: { name: initech }', 'spec: {}'),
      'tenants/acme/dmz.yaml': DMZ('acme'),
      'tenants/initech/dmz.yaml': DMZ('initech').replace('10.50.0.0/24', '10.60.0.0/24'),
      'tenants/globex/vms.yaml': globexVm('dmz'),
    }));
    expectOneIssue(result, { file: 'tenants/globex/vms.yaml', line: 8, column: 26, rule: 'ref.ambiguous', message: 'Network "dmz" is ambiguous' });
  });
});

describe('the ROOT domain', () => {
  it('ref.builtin: points at the name of a declared ROOT domain', async () => {
    const result = await loadFiles(withFiles({ 'tenants/domains.yaml': lines(
      'apiVersion: cairn.dev/v1',
      'kind: Domain',
      'metadata: { name: ROOT }',
      'spec: {}',
    ) }));
    expectOneIssue(result, { file: 'tenants/domains.yaml', line: 3, column: 19, rule: 'ref.builtin', message: 'the ROOT domain always exists and cannot be declared' });
  });

  it('resolves as a parent and as an account domain, explicit or by default; nested domains resolve', async () => {
    const result = await loadFiles(withFiles({ 'tenants/domains.yaml': lines(
      'apiVersion: cairn.dev/v1',
      'kind: Domain',
      'metadata: { name: emea }',
      'spec: { parent: customers }',
      '---',
      'apiVersion: cairn.dev/v1',
      'kind: Domain',
      'metadata: { name: internal }',
      'spec: {}',
      '---',
      'apiVersion: cairn.dev/v1',
      'kind: Account',
      'metadata: { name: initech }',
      'spec: { domain: ROOT }',
      '---',
      'apiVersion: cairn.dev/v1',
      'kind: Account',
      'metadata: { name: umbrella }',
      'spec: { domain: emea }',
    ) }));
    expectIssues(result, []);
  });

  it('an unknown parent domain is unresolved', async () => {
    const result = await loadFiles(withFiles({ 'tenants/domains.yaml': lines(
      'apiVersion: cairn.dev/v1',
      'kind: Domain',
      'metadata: { name: emea }',
      'spec: { parent: custmers }',
    ) }));
    expectOneIssue(result, { file: 'tenants/domains.yaml', line: 4, column: 17, rule: 'ref.unresolved', message: 'no Domain named "custmers"; did you mean customers?' });
  });
});

describe('an account and a project of the same name', () => {
  it('are two tenants: the same resource name in both is no duplicate, and one cannot use the other\'s network', async () => {
    const file = 'tenants/acme-project/all.yaml';
    const result = await loadFiles(withFiles({ [file]: lines(
      'apiVersion: cairn.dev/v1',
      'kind: Project',
      'metadata: { name: acme }',
      'spec: {}',
      '---',
      'apiVersion: cairn.dev/v1',
      'kind: AffinityGroup',
      'metadata: { name: web-spread, project: acme }',
      'spec: { type: host-affinity }',
      '---',
      'apiVersion: cairn.dev/v1',
      'kind: VirtualMachine',
      'metadata: { name: p-vm, project: acme }',
      'spec: { zone: zone1, serviceOffering: small, template: debian-12, networks: [ { network: web-net, ip: 10.1.1.10 } ] }',
    ) }));
    expectOneIssue(result, { file, line: 14, column: 90, rule: 'ref.cross-tenant', message: 'Network "web-net" belongs to account acme, not to project acme' });
  });
});
