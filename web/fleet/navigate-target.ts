/** Where a fleet `navigate` takes a screen (pure, so it is tested without a browser). */

/** The parameters a navigate keeps, unless its path sets them: the screen stays itself on the board. */
const CARRIED_PARAMS = ['token', 'screen', 'group', 'reportEvery', 'maxHeapMB', 'stallReload'];

/**
 * The command's path on this hub, with the screen's own parameters kept; null for anything but a
 * page under /screens/ of the same origin (the hub checked already: this is the screen's own guard).
 */
export function navigateTarget(path: string, current: URL): URL | null {
  if (!path.startsWith('/screens/') || path.includes('//') || path.includes('\\')) return null;
  const target = new URL(path, current.origin);
  if (target.origin !== current.origin || !target.pathname.startsWith('/screens/')) return null;
  for (const name of CARRIED_PARAMS) {
    const v = current.searchParams.get(name);
    if (v !== null && !target.searchParams.has(name)) target.searchParams.set(name, v);
  }
  return target;
}
