/**
 * One config section being edited: the version loaded (ETag), the stored copy and the local draft,
 * and the outcome of the last save. Save sends the draft with If-Match; a 400 keeps the draft and
 * lists the problems by path (shown at the fields, `issueAt`), a 409 keeps the draft and offers to
 * load the newest version (the other admin's change wins unless redone), success takes the new
 * version. The shell (SectionShell.vue) shows the state; the section edits `draft`.
 */
import { computed, inject, nextTick, provide, ref, type InjectionKey, type Ref } from 'vue';
import { ConfigLoadError, loadSection, saveSection, type ConfigIssue, type ConfigSection } from './config-api.ts';
import { clearToast, showToast } from './toast.ts';
import { sessionLost } from './session.ts';

export const SAVED_TEXT = '已保存，所有大屏将在 2 秒内生效';
export const CONFLICT_TEXT = '保存失败：其他管理员已修改了此配置（版本已更新）。您的修改尚未保存，请重新加载最新配置后再修改。';

export interface ConfigSectionState<T> {
  section: ConfigSection;
  draft: Ref<T | null>;
  etag: Ref<string | null>;
  loading: Ref<boolean>;
  saving: Ref<boolean>;
  loadError: Ref<string | null>;
  saveError: Ref<string | null>;
  conflict: Ref<boolean>;
  issues: Ref<ConfigIssue[]>;
  dirty: Ref<boolean>;
  /** The problems the last save reported at `path` or below it. */
  issuesAt(path: string, exact?: boolean): string[];
  load(): Promise<void>;
  save(): Promise<boolean>;
  revert(): void;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/**
 * `toDraft` turns the section as stored into what the screen edits (e.g. a record of channels into
 * a list of rows), `toStored` turns it back for the PUT.
 */
export function useConfigSection<T, S = T>(
  section: ConfigSection,
  toDraft: (raw: S) => T = (x) => x as unknown as T,
  toStored: (draft: T) => S = (x) => x as unknown as S,
): ConfigSectionState<T> {
  const stored = ref<string | null>(null);
  const draft = ref<T | null>(null) as Ref<T | null>;
  const etag = ref<string | null>(null);
  const loading = ref(false);
  const saving = ref(false);
  const loadError = ref<string | null>(null);
  const saveError = ref<string | null>(null);
  const conflict = ref(false);
  const issues = ref<ConfigIssue[]>([]);
  const dirty = computed(() => draft.value !== null && JSON.stringify(draft.value) !== stored.value);

  async function load() {
    loading.value = true;
    try {
      const { data, etag: tag } = await loadSection<S>(section);
      const value = toDraft(data);
      stored.value = JSON.stringify(value);
      draft.value = clone(value);
      etag.value = tag;
      loadError.value = null;
      saveError.value = null;
      conflict.value = false;
      issues.value = [];
    } catch (err) {
      if (err instanceof ConfigLoadError && err.status === 401) sessionLost.value = true;
      loadError.value =
        err instanceof ConfigLoadError
          ? err.status === 404
            ? '服务器尚未提供此配置项'
            : err.status === 401
              ? '登录已失效，请重新登录'
              : `加载失败：${err.message}`
          : '无法连接服务器';
    } finally {
      loading.value = false;
    }
  }

  async function save(): Promise<boolean> {
    if (draft.value === null || saving.value) return false;
    saving.value = true;
    clearToast();
    try {
      const outcome = await saveSection(section, toStored(draft.value), etag.value);
      saveError.value = null;
      issues.value = [];
      conflict.value = false;
      if (outcome.kind === 'saved') {
        etag.value = outcome.version;
        stored.value = JSON.stringify(draft.value);
        showToast(SAVED_TEXT);
        return true;
      }
      if (outcome.kind === 'conflict') conflict.value = true;
      else if (outcome.kind === 'failed' && outcome.status === 401) sessionLost.value = true;
      else if (outcome.kind === 'invalid') {
        issues.value = outcome.issues;
        saveError.value = `保存失败：有 ${Math.max(outcome.issues.length, 1)} 处内容不符合要求，请按提示修改（未做任何更改）`;
        // the first problem may be far down a long list: bring it into view (after a tab switch)
        void nextTick(() => nextTick(() => document.querySelector('.section-body [data-testid="field-error"]')?.scrollIntoView({ block: 'center' })));
      } else saveError.value = `保存失败（${outcome.status || '网络'}）：${outcome.error}`;
      return false;
    } finally {
      saving.value = false;
    }
  }

  function revert() {
    if (stored.value !== null) draft.value = JSON.parse(stored.value) as T;
    issues.value = [];
    saveError.value = null;
  }

  const issuesAt = (path: string, exact = false) => matching(issues.value, path, exact);
  const state: ConfigSectionState<T> = { section, draft, etag, loading, saving, loadError, saveError, conflict, issues, dirty, issuesAt, load, save, revert };
  provide(ISSUES, issues);
  return state;
}

const matching = (issues: ConfigIssue[], path: string, exact: boolean): string[] =>
  issues.filter((i) => i.path === path || (!exact && i.path.startsWith(`${path}.`))).map((i) => i.message);

const ISSUES: InjectionKey<Ref<ConfigIssue[]>> = Symbol('config-issues');

/** For components inside a section: the problems the last save reported at `path` (or below it). */
export function useIssues() {
  const issues = inject(ISSUES, ref<ConfigIssue[]>([]));
  return (path: string, exact = false): string[] => matching(issues.value, path, exact);
}
