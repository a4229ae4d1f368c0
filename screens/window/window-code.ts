/**
 * The window a screen shows, from its path: `/screens/window/yiyang.w005`, or the short form
 * `/screens/window/5` (window number 5 of `?center=`, default yiyang).
 */
export function windowCodeFromLocation(pathname: string, params: URLSearchParams): string | null {
  const m = /\/screens\/window\/([^/?#]+)/.exec(pathname);
  const raw = m ? decodeURIComponent(m[1]!) : params.get('window');
  if (!raw) return null;
  if (/^\d{1,4}$/.test(raw)) return `${params.get('center') ?? 'yiyang'}.w${raw.padStart(3, '0')}`;
  return /^[A-Za-z0-9._-]{1,64}$/.test(raw) ? raw : null;
}
