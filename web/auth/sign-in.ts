/**
 * POST /api/v1/session for the screens that need a person's account (the cockpit, the supervisor
 * console). Answers null once signed in, else the zh-CN text for the form. It never throws: a
 * network error (fetch rejects), a lockout and a hub error are messages too, so the form is never
 * left waiting.
 */
export const SIGN_IN_TEXT = {
  unreachable: '无法连接服务器，请稍后再试',
  wrongPassword: '用户名或密码不正确',
  /** After too many wrong passwords (HTTP 429); the hub says how long in Retry-After (seconds). */
  lockedOut: (minutes: number | null) => `失败次数过多，账号已暂时锁定，请${minutes ? ` ${minutes} 分钟后` : '稍后'}再试`,
  failed: (status: number) => `登录失败（${status}）`,
} as const;

export async function signIn(username: string, password: string): Promise<string | null> {
  let res: Response;
  try {
    res = await fetch('/api/v1/session', {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  } catch {
    return SIGN_IN_TEXT.unreachable;
  }
  if (res.ok) return null;
  if (res.status === 401) return SIGN_IN_TEXT.wrongPassword;
  if (res.status === 429) {
    const seconds = Number(res.headers.get('retry-after'));
    return SIGN_IN_TEXT.lockedOut(Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds / 60) : null);
  }
  return SIGN_IN_TEXT.failed(res.status);
}
