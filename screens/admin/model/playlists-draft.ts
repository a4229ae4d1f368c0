/**
 * The 播放列表 section as the console edits it (docs/screens.md#playlists): the records of the
 * `playlists` section turned into lists (a playlist's id is a field to edit, the order is kept),
 * each period's sequence as a choice (the playlist's own pages, another playlist, or pages of its
 * own), and back for the PUT. What is wrong is the hub's to say (the schema in common/playlists.ts).
 */
import { PLAYLIST_PERIODS, type PlaylistItem, type PlaylistPeriod, type PlaylistSequence, type PlaylistsSection } from '../../../common/playlists.ts';

export interface SequenceDraft {
  mode: 'default' | 'ref' | 'own';
  ref: string;
  items: PlaylistItem[];
}

export interface PlaylistDraft {
  id: string;
  name: string;
  items: PlaylistItem[];
  schedule: Record<PlaylistPeriod, SequenceDraft>;
}

export interface PlaylistsDraft {
  comment?: string;
  lists: PlaylistDraft[];
  screens: { screen: string; playlist: string }[];
  groups: { group: string; playlist: string }[];
}

export const PERIOD_LABELS: Record<PlaylistPeriod, string> = { office: '办公时间', closed: '非办公时间', holiday: '节假日与周末' };
export const PERIOD_HINTS: Record<PlaylistPeriod, string> = {
  office: '工作日办公时段内（办公时段见“预警规则”）',
  closed: '工作日办公时段以外（如闭厅公告、次日办公时间）',
  holiday: '周末与法定节假日（按“节假日”日历）；未设置时沿用非办公时间',
};

const sequenceDraft = (seq: PlaylistSequence | undefined): SequenceDraft =>
  seq === undefined
    ? { mode: 'default', ref: '', items: [] }
    : typeof seq === 'string'
      ? { mode: 'ref', ref: seq, items: [] }
      : { mode: 'own', ref: '', items: seq };

export function toDraft(s: PlaylistsSection): PlaylistsDraft {
  return {
    ...(s._comment !== undefined ? { comment: s._comment } : {}),
    lists: Object.entries(s.playlists).map(([id, p]) => ({
      id,
      name: p.name,
      items: p.items,
      schedule: { office: sequenceDraft(p.schedule.office), closed: sequenceDraft(p.schedule.closed), holiday: sequenceDraft(p.schedule.holiday) },
    })),
    screens: Object.entries(s.assignments.screens).map(([screen, playlist]) => ({ screen, playlist })),
    groups: Object.entries(s.assignments.groups).map(([group, playlist]) => ({ group, playlist })),
  };
}

/** Records built with own properties only (Object.fromEntries), so no id can reach a prototype. */
export function toStored(d: PlaylistsDraft): PlaylistsSection {
  const sequence = (seq: SequenceDraft): PlaylistSequence | undefined => (seq.mode === 'ref' ? seq.ref : seq.mode === 'own' ? seq.items : undefined);
  return {
    ...(d.comment !== undefined ? { _comment: d.comment } : {}),
    playlists: Object.fromEntries(
      d.lists.map((l) => [
        l.id.trim(),
        {
          name: l.name,
          items: l.items,
          schedule: Object.fromEntries(PLAYLIST_PERIODS.flatMap((p) => (sequence(l.schedule[p]) === undefined ? [] : [[p, sequence(l.schedule[p])]]))),
        },
      ]),
    ),
    assignments: {
      screens: Object.fromEntries(d.screens.map((r) => [r.screen.trim(), r.playlist])),
      groups: Object.fromEntries(d.groups.map((r) => [r.group.trim(), r.playlist])),
    },
  };
}

/** A new playlist: an id not taken yet, the hall for 5 minutes. */
export function newPlaylist(taken: readonly string[]): PlaylistDraft {
  let n = taken.length + 1;
  while (taken.includes(`list-${n}`)) n++;
  return {
    id: `list-${n}`,
    name: `新播放列表 ${n}`,
    items: [{ path: '/screens/hall', seconds: 300 }],
    schedule: { office: sequenceDraft(undefined), closed: sequenceDraft(undefined), holiday: sequenceDraft(undefined) },
  };
}
