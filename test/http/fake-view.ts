import type {
  ControllerEvent, ControllerView, DriftRecord, ResourceFilter, ResourceItem, StatusSnapshot, UnmanagedObject,
} from '../../controller/run/controller-view.js';

/** A ControllerView the tests drive by hand: fixed data, recorded calls, events emitted on demand. */
export class FakeView implements ControllerView {
  isReady = true;
  snapshot: StatusSnapshot = {
    appliedRevision: 'a'.repeat(40),
    desiredRevision: 'b'.repeat(40),
    rejectedRevision: null,
    lastSyncAt: '2026-11-26T04:00:00.000Z',
    summary: { ready: 2, progressing: 1, failed: 0, drifted: 1, unmanaged: 1 },
  };
  items: ResourceItem[] = [];
  driftItems: DriftRecord[] = [];
  unmanaged: UnmanagedObject[] = [];
  readonly filters: ResourceFilter[] = [];
  readonly resyncReasons: string[] = [];
  pushes = 0;
  private readonly listeners = new Set<(event: ControllerEvent) => void>();

  ready(): boolean {
    return this.isReady;
  }
  status(): StatusSnapshot {
    return this.snapshot;
  }
  resources(filter: ResourceFilter): ResourceItem[] {
    this.filters.push(filter);
    return this.items.filter((i) => (filter.kind === undefined || i.kind === filter.kind) && (filter.status === undefined || i.status === filter.status));
  }
  drift(): { items: DriftRecord[]; unmanaged: UnmanagedObject[] } {
    return { items: this.driftItems, unmanaged: this.unmanaged };
  }
  subscribe(listener: (event: ControllerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  requestResync(reason: string): void {
    this.resyncReasons.push(reason);
  }
  notifyPush(): void {
    this.pushes++;
  }

  get subscribers(): number {
    return this.listeners.size;
  }
  emit(event: ControllerEvent): void {
    for (const l of this.listeners) l(event);
  }
}

export function vm(name: string, status: ResourceItem['status'] = 'ready', account = 'account:acme'): ResourceItem {
  return {
    kind: 'VirtualMachine',
    name,
    account,
    status,
    desired: { zone: 'zone1', serviceOffering: 'small', template: 'debian-12', state: 'Running' },
    observed: { state: 'Running', host: 'host-1' },
    conditions: [{ type: 'Ready', status: 'True', reason: 'Applied', lastTransitionAt: '2026-11-26T04:00:00.000Z' }],
    lastError: null,
  };
}
