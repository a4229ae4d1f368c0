/** One toast at a time for the whole console: a short confirmation that fades by itself. */
import { ref } from 'vue';

export const toast = ref<{ text: string; id: number } | null>(null);
let timer: ReturnType<typeof setTimeout> | null = null;
let next = 0;

export function showToast(text: string, ms = 4000): void {
  toast.value = { text, id: ++next };
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => (toast.value = null), ms);
}

export function clearToast(): void {
  toast.value = null;
}
