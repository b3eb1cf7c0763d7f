/** libvirt's domain states (virsh list, domstate) as cairn's VM power states. */
export function powerState(libvirtState: string): 'Running' | 'Stopped' | 'Stopping' | 'Starting' | 'Error' {
  switch (libvirtState.trim()) {
    case 'running':
    case 'idle':
    case 'blocked':
      return 'Running';
    case 'in shutdown':
      return 'Stopping';
    case 'crashed':
      return 'Error';
    // shut off, paused, pmsuspended: not serving; `start` (or resume by hand) brings them back.
    default:
      return 'Stopped';
  }
}
