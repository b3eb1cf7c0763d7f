/**
 * The provider contract suite (providers/provider.ts states the contract): every provider runs it,
 * the simulator in test/providers/simulator.test.ts, libvirt later. It checks what the executor and
 * the planner rely on, through the Provider interface only:
 * - create then observe shows a managed object with the identity and the spec;
 * - create twice makes one object, the second call reports `adopted`;
 * - delete twice succeeds, delete of an object never created succeeds;
 * - update then observe shows the new spec; update of an object that is gone is a ConflictError;
 * - start and stop are idempotent and observe shows the power state;
 * - orphan keeps the object and its data, observed as managed=false;
 * - every error is a TransientError, PermanentError or ConflictError (faults injected through the helpers);
 * - an injected timeout followed by a retry leaves exactly one object;
 * - observe after every action reflects it, and honours scope.kinds.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Kind } from '../../desired-state/model.js';
import { ConflictError } from '../../providers/errors/conflict-error.js';
import { PermanentError } from '../../providers/errors/permanent-error.js';
import { TransientError } from '../../providers/errors/transient-error.js';
import type { ObservedResource, Provider } from '../../providers/provider.js';
import type { Action, ActionOp, ActionResult } from '../../reconcilers/action.js';

/** One object the suite creates, changes and deletes. */
export interface ContractSubject {
  kind: Kind;
  name: string;
  /** Owner key (`account:acme`) for tenant kinds. */
  owner?: string;
  spec: Record<string, unknown>;
  /** A spec the provider can move the object to in place. */
  updatedSpec: Record<string, unknown>;
  placement?: Record<string, unknown>;
}

export interface InjectedFaults {
  /** Fraction of apply calls failing with TransientError before doing anything. */
  errorRate?: number;
  /** Fraction of apply calls failing with TransientError "timed out"; the effect may or may not have happened. */
  timeoutRate?: number;
  /** Fraction of apply calls failing with PermanentError before doing anything. */
  permanentErrorRate?: number;
}

export interface ProviderContractHelpers {
  /** Creates what the subjects refer to (zone, host, offerings, network...) in a fresh provider. */
  prepare?(provider: Provider): Promise<void>;
  /** Objects every test exercises; at least one. Use names nothing else in the world has. */
  subjects: ContractSubject[];
  /** A VM for the start/stop tests (its spec has `state: Running`); omit for a provider without VMs. */
  powerSubject?: ContractSubject;
  /** Makes the provider's following apply calls fail at the given rates (1 = every call). */
  injectFaults(provider: Provider, faults: InjectedFaults): Promise<void>;
  clearFaults(provider: Provider): Promise<void>;
  /** Actions the provider must refuse; each must fail with one of the three classes. */
  invalidActions?: Action[];
  /** Releases what makeProvider made (called after each test). */
  dispose?(provider: Provider): Promise<void>;
}

const CLASSES = [TransientError, PermanentError, ConflictError] as const;

export function contractAction(op: ActionOp, s: Pick<ContractSubject, 'kind' | 'name' | 'owner'>, extra: Partial<Action> = {}): Action {
  return {
    id: `${op}:${s.kind}/${s.owner ?? ''}/${s.name}`,
    op,
    kind: s.kind,
    name: s.name,
    ...(s.owner ? { owner: s.owner } : {}),
    reason: 'provider contract suite',
    fields: [],
    dependsOn: [],
    destructive: op === 'delete' || op === 'replace',
    ...extra,
  };
}

/** What `promise` rejected with; fails the test if it resolved, or rejected with something unclassified. */
export async function classifiedRejection(promise: Promise<unknown>): Promise<Error> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    expect(
      CLASSES.some((C) => error instanceof C),
      `expected TransientError, PermanentError or ConflictError, got ${(error as Error)?.name}: ${(error as Error)?.message}`,
    ).toBe(true);
    return error as Error;
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(outcome)}`);
}

export function providerContract(name: string, makeProvider: () => Provider | Promise<Provider>, helpers: ProviderContractHelpers): void {
  describe(`provider contract: ${name}`, () => {
    let provider: Provider;
    const signal = () => new AbortController().signal;

    beforeEach(async () => {
      provider = await makeProvider();
      await helpers.prepare?.(provider);
    });
    afterEach(async () => {
      await helpers.clearFaults(provider);
      await helpers.dispose?.(provider);
    });

    const apply = (a: Action): Promise<ActionResult> => provider.apply(a, signal());
    const observeAll = async (s: ContractSubject): Promise<ObservedResource[]> =>
      (await provider.observe({ kinds: [s.kind] }, signal())).filter((o) => o.name === s.name && (o.owner ?? undefined) === (s.owner ?? undefined));
    const managed = async (s: ContractSubject) => (await observeAll(s)).filter((o) => o.managed);
    const create = (s: ContractSubject) => apply(contractAction('create', s, { spec: structuredClone(s.spec), ...(s.placement ? { placement: s.placement } : {}) }));

    for (const s of helpers.subjects) {
      const what = `${s.kind} ${s.owner ? `${s.owner}/` : ''}${s.name}`;

      describe(what, () => {
        it('create: observe shows one managed object with the identity and the spec', async () => {
          const r = await create(s);
          expect(typeof r.externalId).toBe('string');
          expect(r.adopted ?? false).toBe(false);
          const seen = await managed(s);
          expect(seen).toHaveLength(1);
          expect(seen[0]).toMatchObject({ kind: s.kind, name: s.name, externalId: r.externalId, managed: true });
          expect(seen[0]!.owner).toBe(s.owner);
          expect(seen[0]!.spec).toMatchObject(s.spec);
        });

        it('create twice: one object, the second call adopts it', async () => {
          const first = await create(s);
          const second = await create(s);
          expect(second).toMatchObject({ externalId: first.externalId, adopted: true });
          expect(await observeAll(s)).toHaveLength(1);
        });

        it('delete twice succeeds and the object is gone', async () => {
          const { externalId } = await create(s);
          await apply(contractAction('delete', s, { externalId }));
          expect(await observeAll(s)).toHaveLength(0);
          await apply(contractAction('delete', s, { externalId }));
          await apply(contractAction('delete', s));
          expect(await observeAll(s)).toHaveLength(0);
        });

        it('delete of an object never created succeeds', async () => {
          await apply(contractAction('delete', s));
          await apply(contractAction('delete', s, { externalId: 'cairn-contract-never-created' }));
          expect(await observeAll(s)).toHaveLength(0);
        });

        it('update: observe shows the new spec; the same update again changes nothing', async () => {
          const { externalId } = await create(s);
          const r = await apply(contractAction('update', s, { externalId, spec: structuredClone(s.updatedSpec) }));
          expect(r.externalId ?? externalId).toBe(externalId);
          const [seen] = await managed(s);
          expect(seen!.spec).toMatchObject(s.updatedSpec);
          await apply(contractAction('update', s, { externalId, spec: structuredClone(s.updatedSpec) }));
          const again = await managed(s);
          expect(again).toHaveLength(1);
          expect(again[0]!.spec).toEqual(seen!.spec);
        });

        it('update of an object that is gone: ConflictError', async () => {
          const { externalId } = await create(s);
          await apply(contractAction('delete', s, { externalId }));
          const error = await classifiedRejection(apply(contractAction('update', s, { externalId, spec: structuredClone(s.updatedSpec) })));
          expect(error).toBeInstanceOf(ConflictError);
        });

        it('orphan: the object and its data stay, observed as not managed; orphan again succeeds', async () => {
          const { externalId } = await create(s);
          await apply(contractAction('orphan', s, { externalId }));
          const seen = await observeAll(s);
          expect(seen).toHaveLength(1);
          expect(seen[0]).toMatchObject({ externalId, managed: false });
          expect(seen[0]!.spec).toMatchObject(s.spec);
          await apply(contractAction('orphan', s, { externalId }));
          expect(await observeAll(s)).toHaveLength(1);
        });

        it('observe honours scope.kinds', async () => {
          await create(s);
          const other = (provider.kinds().find((k) => k !== s.kind) ?? s.kind) as Kind;
          const seen = await provider.observe({ kinds: [other] }, signal());
          expect(seen.every((o) => o.kind === other)).toBe(true);
          expect(seen.some((o) => o.kind === s.kind && o.name === s.name)).toBe(other === s.kind);
        });
      });
    }

    const [first] = helpers.subjects;
    if (!first) throw new Error('providerContract needs at least one subject');

    describe('errors', () => {
      it('injected transient errors: TransientError, and nothing was done', async () => {
        await helpers.injectFaults(provider, { errorRate: 1 });
        const error = await classifiedRejection(create(first));
        expect(error).toBeInstanceOf(TransientError);
        await helpers.clearFaults(provider);
        expect(await observeAll(first)).toHaveLength(0);
      });

      it('injected permanent errors: PermanentError, and nothing was done', async () => {
        await helpers.injectFaults(provider, { permanentErrorRate: 1 });
        const error = await classifiedRejection(create(first));
        expect(error).toBeInstanceOf(PermanentError);
        await helpers.clearFaults(provider);
        expect(await observeAll(first)).toHaveLength(0);
      });

      it('injected timeouts: TransientError; a retry leaves exactly one managed object', async () => {
        await helpers.injectFaults(provider, { timeoutRate: 1 });
        const error = await classifiedRejection(create(first));
        expect(error).toBeInstanceOf(TransientError);
        await helpers.clearFaults(provider);
        const retry = await create(first);
        const seen = await managed(first);
        expect(seen).toHaveLength(1);
        expect(seen[0]!.externalId).toBe(retry.externalId);
        // A retried delete after a timed-out one finds nothing left to do.
        await helpers.injectFaults(provider, { timeoutRate: 1 });
        await classifiedRejection(apply(contractAction('delete', first, { externalId: retry.externalId })));
        await helpers.clearFaults(provider);
        await apply(contractAction('delete', first, { externalId: retry.externalId }));
        expect(await observeAll(first)).toHaveLength(0);
      });

      it('under a 50% fault mix every call either succeeds or fails with one of the three classes, and retries converge', async () => {
        await helpers.injectFaults(provider, { errorRate: 0.25, timeoutRate: 0.25 });
        let created: ActionResult | undefined;
        for (let attempt = 0; attempt < 200 && !created; attempt++) {
          try {
            created = await create(first);
          } catch (error) {
            expect(error).toBeInstanceOf(TransientError);
          }
        }
        await helpers.clearFaults(provider);
        expect(created).toBeDefined();
        expect(await managed(first)).toHaveLength(1);
      });

      it('an aborted signal: a classified rejection, and nothing was done', async () => {
        const controller = new AbortController();
        controller.abort(new Error('shutting down'));
        await classifiedRejection(provider.apply(contractAction('create', first, { spec: structuredClone(first.spec), ...(first.placement ? { placement: first.placement } : {}) }), controller.signal));
        expect(await observeAll(first)).toHaveLength(0);
      });

      it('actions the provider must refuse fail with one of the three classes', async () => {
        await classifiedRejection(apply(contractAction('update', { kind: first.kind, name: 'cairn-contract-never-created', owner: first.owner }, { spec: first.updatedSpec })));
        await classifiedRejection(apply(contractAction('replace', first, { spec: first.spec })));
        for (const a of helpers.invalidActions ?? []) await classifiedRejection(apply(a));
      });
    });

    const vm = helpers.powerSubject;
    if (vm) {
      describe(`power: ${vm.kind} ${vm.name}`, () => {
        const state = async () => (await managed(vm))[0]?.status.state;

        it('create with state Running: observed Running', async () => {
          await create(vm);
          expect(await state()).toBe('Running');
        });

        it('stop and start are idempotent, and observe follows', async () => {
          const { externalId } = await create(vm);
          await apply(contractAction('stop', vm, { externalId }));
          expect(await state()).toBe('Stopped');
          await apply(contractAction('stop', vm, { externalId }));
          expect(await state()).toBe('Stopped');
          await apply(contractAction('start', vm, { externalId }));
          expect(await state()).toBe('Running');
          await apply(contractAction('start', vm, { externalId }));
          expect(await state()).toBe('Running');
          expect(await managed(vm)).toHaveLength(1);
        });

        it('start of a VM that is gone: ConflictError', async () => {
          const { externalId } = await create(vm);
          await apply(contractAction('delete', vm, { externalId }));
          expect(await classifiedRejection(apply(contractAction('start', vm, { externalId })))).toBeInstanceOf(ConflictError);
        });
      });
    }
  });
}
