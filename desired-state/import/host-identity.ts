import { sanitizeName } from './resource-names.js';

/**
 * The name of an imported host, from its URL: the host part followed by the path segments, joined
 * with `-` and sanitised to a resource name. `http://sim/c0/h0` -> `sim-c0-h0`,
 * `http://10.147.29.58` -> `10.147.29.58`, `qemu+ssh://root@kvm1.lab/system` -> `kvm1.lab-system`.
 * User, port, query and fragment are left out. Uniqueness is the caller's business.
 */
export function hostNameFromUrl(url: string): string {
  let host: string;
  let segments: string[];
  try {
    const u = new URL(url);
    host = u.hostname.replace(/^\[|\]$/g, '');
    segments = u.pathname.split('/').map(decodeSegment);
  } catch {
    // Not a URL (a bare address, say): take it as host[/path].
    const [first = '', ...rest] = url.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '').split(/[?#]/)[0]!.split('/');
    host = first.replace(/^[^@]*@/, '').replace(/:\d+$/, '');
    segments = rest;
  }
  return sanitizeName([host, ...segments].filter((s) => s !== '').join('-')) || 'host';
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `CAIRN_HOST_PASSWORD_<NAME>`, the name upper-cased with every run of other characters as `_`. */
export function passwordEnvName(hostName: string): string {
  return `CAIRN_HOST_PASSWORD_${hostName.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '')}`;
}
