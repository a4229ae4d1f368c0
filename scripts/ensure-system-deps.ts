/**
 * Makes sure the system programs the product or its tests need are installed: redis-server,
 * and for the browser tests Chromium with CJK fonts. As root on Debian/Ubuntu it installs them
 * with apt-get; otherwise it says exactly what to install.
 *   tsx scripts/ensure-system-deps.ts redis            (npm run demo; npm start runs the build of it,
 *                                                       node dist/scripts/ensure-system-deps.js redis)
 *   tsx scripts/ensure-system-deps.ts redis browser voice
 *                                                      (npm test; voice is espeak-ng, which makes
 *                                                       the hall's voice clips: test/screens/
 *                                                       voice-clips.test.ts makes them again)
 *   tsx scripts/ensure-system-deps.ts voice            (npm run voice:clips)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';

const wanted = new Set(process.argv.slice(2).length ? process.argv.slice(2) : ['redis']);
const packages: string[] = [];
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

if (wanted.has('redis') && !process.env.REDIS_URL && !has('redis-server')) packages.push('redis-server');
if (wanted.has('voice') && !has('espeak-ng')) packages.push('espeak-ng');
if (wanted.has('browser')) {
  if (!fs.existsSync('/usr/bin/chromium')) packages.push('chromium');
  if (!fs.existsSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc')) packages.push('fonts-noto-cjk');
}

if (packages.length > 0) {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !has('apt-get')) {
    console.error(`yangguang: missing system packages: ${packages.join(' ')}\n  install them with: sudo apt-get install -y ${packages.join(' ')}`);
    process.exit(1);
  }
  console.log(`yangguang: installing ${packages.join(' ')} with apt-get …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
}
