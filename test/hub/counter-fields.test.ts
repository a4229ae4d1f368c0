/**
 * The counter fields are named once, in server/redis/counter-fields.ts, and the Lua receives them
 * from there (the prelude's `C`): no Lua file under server/ writes a counter field as a literal,
 * every `C.<name>` it reads exists, and the names stored in Redis stay what they were (renaming
 * one would orphan the data held under the old name).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALERT_COUNTS, COUNTER_FAMILIES, COUNTERS, counterFieldsLua, GAUGES } from '../../server/redis/counter-fields.ts';
import { LUA_PRELUDE } from '../../server/redis/scripts.ts';

const SERVER = path.resolve(import.meta.dirname, '../../server');
const LUA = fs
  .readdirSync(SERVER, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.lua'))
  .sort();

/** Every name the aggregation writes, as the Lua receives it. */
const FIELDS = new Map<string, string>([COUNTERS, COUNTER_FAMILIES, GAUGES].flatMap((t) => Object.entries(t)).map(([name, field]) => [field, name]));

/**
 * Counter fields that are also ordinary words of the Lua, with what else they mean there: written
 * as a literal, such a word is a counter only as an argument of a call that names a counter.
 */
const ORDINARY_WORDS: Record<string, string> = {
  open: "a case's, a window's or an alert's state",
  done: "a case's state",
  returned: "a case's state",
  overdue: "an alert timer's kind and an alert action",
};
/** Calls whose arguments name counters: the aggregation's own and Redis's reads and writes of a hash's number. */
const COUNTER_CALLS = new Set(['bump', 'gauge', 'add', 'monthly', 'moneySums', 'checkRoom', 'storedSum', 'pending']);
const REDIS_COUNTER_COMMANDS = new Set(['HINCRBY', 'HINCRBYFLOAT', 'HGET', 'HMGET']);

/**
 * Literals allowed in the alert engine's Lua (server/alerts/lua/): the field `open` of the engine's
 * own count hash (ALERT_COUNTS, countDelta), which is not an aggregate counter but spells like the
 * gauge `open`. Each entry fails the test once it is no longer needed.
 */
const PENDING: { dir: string; literal: string }[] = [{ dir: 'alerts/', literal: ALERT_COUNTS.open }];

interface Literal {
  value: string;
  line: number;
  inCounterCall: boolean;
}

/**
 * The string literals of a Lua text outside its comments, each with whether it is an argument (at
 * any depth) of a counter call. Enough of Lua for the hub's files: quoted strings with escapes,
 * `--` and `--[[ ]]` comments; no long strings.
 */
function literalsOf(text: string): Literal[] {
  const out: Literal[] = [];
  // one frame per open parenthesis: does it belong to a counter call; for redis.call, its first string
  const frames: { counter: boolean; redis: boolean; command?: string }[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') line++;
    else if (ch === '-' && text[i + 1] === '-') {
      const end = text.startsWith('[[', i + 2) ? text.indexOf(']]', i) + 2 : text.indexOf('\n', i);
      const stop = end <= 1 ? text.length : end;
      line += (text.slice(i, stop).match(/\n/g) ?? []).length;
      i = stop - 1;
    } else if (ch === "'" || ch === '"') {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== ch) {
        if (text[j] === '\\') {
          value += text[j + 1];
          j += 2;
        } else value += text[j++];
      }
      const frame = frames.at(-1);
      if (frame?.redis && frame.command === undefined) frame.command = value;
      const inCounterCall = frames.some((f) => f.counter || (f.redis && REDIS_COUNTER_COMMANDS.has(f.command ?? '')));
      out.push({ value, line, inCounterCall });
      i = j;
    } else if (ch === '(') {
      const callee = /([\w.]+)\s*$/.exec(text.slice(Math.max(0, i - 40), i))?.[1] ?? '';
      frames.push({ counter: COUNTER_CALLS.has(callee), redis: callee === 'redis.call' || callee === 'redis.pcall' });
    } else if (ch === ')') frames.pop();
  }
  return out;
}

/** Counter field literals of a file: a field, or a family's prefix (`'col:' .. column`). */
function counterLiterals(file: string): string[] {
  const text = fs.readFileSync(path.join(SERVER, file), 'utf8');
  return literalsOf(text)
    .filter((l) => FIELDS.has(l.value) && (!(l.value in ORDINARY_WORDS) || l.inCounterCall))
    .filter((l) => !PENDING.some((p) => file.startsWith(p.dir) && p.literal === l.value))
    .map((l) => `${file}:${l.line} '${l.value}' (C.${FIELDS.get(l.value)})`);
}

describe('counter fields', () => {
  it('keeps the names Redis holds the counters under', () => {
    expect(COUNTERS).toEqual({
      accepted: 'acc',
      completed: 'done',
      completedEarly: 'early',
      completedOnTime: 'ontime',
      completedOverdue: 'overdue',
      returned: 'returned',
      casesNet: 'net',
      issued: 'iss',
      called: 'call',
      waiting: 'wait',
      started: 'start',
      finished: 'fin',
      noShow: 'noshow',
      transferred: 'transfer',
      waitSumSec: 'waitSum',
      waitCount: 'waitN',
      serviceSumSec: 'svcSum',
      serviceCount: 'svcN',
      windowOpenSec: 'openSec',
      rated1: 'r1',
      rated2: 'r2',
      rated3: 'r3',
      rated4: 'r4',
      rated5: 'r5',
      ratings: 'rt',
      badRatings: 'bad',
      complaintsFiled: 'cpF',
      complaintsClosed: 'cpC',
      portalViews: 'pv',
      waitCaseSumSec: 'wcSum',
      waitCaseCount: 'wcN',
      waitNoCaseSumSec: 'wnSum',
      waitNoCaseCount: 'wnN',
      trades: 'trN',
      tradesFen: 'trAmt',
      fees: 'feeN',
      feesFen: 'feeAmt',
      alertsRaised: 'alN',
      alertsRaisedYellow: 'alY',
      alertsRaisedRed: 'alR',
      reviewsFollowedUp: 'fu',
      reviewsFollowedUpInTime: 'fuOk',
      reviewsReratedSatisfied: 'fuSat',
    });
    expect(COUNTER_FAMILIES).toEqual({
      waitMinute: 'wh:',
      portalColumn: 'col:',
      tradesOfCategory: 'trN:',
      tradesFenOfCategory: 'trAmt:',
      ratedOfItem: 'ri:',
      badOfItem: 'rib:',
      acceptedOfItem: 'accI:',
      returnedOfItem: 'retI:',
    });
    expect(GAUGES).toEqual({ openCases: 'open' });
    expect(ALERT_COUNTS).toEqual({ open: 'open', yellow: 'yellow', red: 'red' });
  });

  it('are in the prelude of every script', () => {
    expect(LUA_PRELUDE).toContain(counterFieldsLua());
    expect(counterFieldsLua()).toContain("local C = { accepted = 'acc', ");
  });

  it('finds the literals it looks for (the check itself)', () => {
    const found = literalsOf(
      [
        "bump(r.scopes, r, 'acc', 1, true) -- 'iss' in a comment",
        "if status == 'open' then gauge(scopes, 'open', 1) end",
        "redis.call('HINCRBY', key, 'done', 1); redis.call('HSET', key, 'status', 'done')",
        "--[[ 'fin'",
        '\'fin\' ]] local x = "pv"',
      ].join('\n'),
    );
    expect(found.map((l) => [l.value, l.line, l.inCounterCall])).toEqual([
      ['acc', 1, true],
      ['open', 2, false],
      ['open', 2, true],
      ['HINCRBY', 3, true],
      ['done', 3, true],
      ['HSET', 3, false],
      ['status', 3, false],
      ['done', 3, false],
      ['pv', 5, false],
    ]);
  });

  it.each(LUA)("%s writes no counter field as a literal (the prelude's C names them)", (file) => {
    expect(counterLiterals(file)).toEqual([]);
  });

  it.each(LUA)('%s reads only the counters and definitions the prelude has', (file) => {
    const text = fs.readFileSync(path.join(SERVER, file), 'utf8');
    const names = new Set(FIELDS.values());
    const counting = new Set([.../local COUNTING = \{([^}]*)\}/.exec(counterFieldsLua())![1]!.matchAll(/(\w+) = /g)].map((m) => m[1]!));
    const unknown = [
      ...[...text.matchAll(/\bC\.(\w+)/g)]
        .map((m) => m[1]!)
        .filter((n) => !names.has(n))
        .map((n) => `C.${n}`),
      ...[...text.matchAll(/\bCOUNTING\.(\w+)/g)]
        .map((m) => m[1]!)
        .filter((n) => !counting.has(n))
        .map((n) => `COUNTING.${n}`),
    ];
    expect(unknown).toEqual([]);
  });

  it.each(PENDING.map((p) => [p.literal, p.dir] as const))('still needs its exception for %s under server/%s', (literal, dir) => {
    const used = LUA.filter((f) => f.startsWith(dir)).some((f) =>
      literalsOf(fs.readFileSync(path.join(SERVER, f), 'utf8')).some((l) => l.value === literal && (!(literal in ORDINARY_WORDS) || l.inCounterCall)),
    );
    expect(used, `no Lua under server/${dir} writes '${literal}' any more: remove its entry from PENDING`).toBe(true);
  });
});
