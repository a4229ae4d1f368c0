/** Real processes for fault tests: a redis-server that can be killed and restarted on its data, and hub processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../support/free-port.ts';
import { waitFor } from '../helpers/wait-for.ts';

export class RedisProcess {
  child: ChildProcess | null = null;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-fault-redis-'));
  constructor(
    readonly port: number,
    readonly extraArgs: string[] = [],
  ) {}

  static async create(extraArgs: string[] = []): Promise<RedisProcess> {
    const r = new RedisProcess(await freePort(), extraArgs);
    await r.start();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--save',
        '',
        ...this.extraArgs,
      ],
      { stdio: 'ignore' },
    );
    const probe = new Redis({ port: this.port, retryStrategy: () => 50, maxRetriesPerRequest: null });
    probe.on('error', () => undefined);
    let answered = false;
    void probe.ping().then(
      () => {
        answered = true;
      },
      () => undefined,
    );
    try {
      await waitFor('redis-server to answer PING', () => answered);
    } finally {
      probe.disconnect();
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child!;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }

  signal(signal: NodeJS.Signals): void {
    this.child!.kill(signal);
  }

  async cleanup(): Promise<void> {
    if (this.child) await this.kill('SIGKILL');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export class HubProcess {
  child!: ChildProcess;
  constructor(
    readonly port: number,
    readonly env: Record<string, string>,
  ) {}

  static async start(env: Record<string, string>): Promise<HubProcess> {
    const hub = new HubProcess(await freePort(), env);
    await hub.start();
    return hub;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get pid(): number {
    return this.child.pid!;
  }

  async start(): Promise<void> {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      // ARCHIVE=off unless a fault test asks: the default folder (./var/archive) would be shared by every test's prefix
      env: { ...process.env, PORT: String(this.port), HOST: '127.0.0.1', LOG_LEVEL: 'error', ARCHIVE: 'off', ...this.env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitFor(
      'the hub to start',
      async () => {
        try {
          return (await fetch(`${this.url}/healthz`)).status < 500;
        } catch {
          return false; /* not up yet */
        }
      },
      30_000,
      100,
    );
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    await exited;
  }

  rssMiB(): number {
    const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  }
}
