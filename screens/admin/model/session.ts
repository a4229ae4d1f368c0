/**
 * The console's session: any call answered 401 (signed out elsewhere, sessions ended by an admin,
 * the session expired) drops the console back to the sign-in form.
 */
import { ref } from 'vue';
import { JsonCallError } from '../../../web/util/json-call.ts';

export const sessionLost = ref(false);

/** The zh-CN text of a failed call, and the sign-in form when the session is gone. */
export function failureText(err: unknown, what: string): string {
  if (err instanceof JsonCallError) {
    if (err.status === 401) sessionLost.value = true;
    if (err.status === 401) return '登录已失效，请重新登录';
    if (err.status === 403) return `${what}失败：没有权限`;
    return `${what}失败：${err.message}`;
  }
  return `${what}失败：无法连接服务器`;
}
