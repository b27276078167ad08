// What the browser test needs around the page: development certificates made now (gatewayctl
// certs init), the real gateway and referrer-sim binaries on 127.0.0.1 port 0, and a small mTLS
// client for the FHIR API and the /ops routes (node:https, never a browser).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

export function tempDir() {
  return mkdtempSync(path.join(os.tmpdir(), 'rg-browser-'));
}

export function makeCertificates(gatewayctl, dir) {
  const certs = path.join(dir, 'certs');
  execFileSync(gatewayctl, ['certs', 'init', '--dir', certs], { stdio: 'ignore' });
  return certs;
}

// Starts a binary that prints one {"event":"listening",...} line; resolves with the process and
// that line, parsed. Rejects (and kills the process) when it exits first or after 60 s.
export function startListening(binary, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${binary}: no listening line\n${stderr}`)); }, 60000);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${binary} exited ${code}\n${stderr}`)); });
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const event = JSON.parse(line);
        if (event.event === 'listening') {
          clearTimeout(timer);
          resolve({ child, listening: event, stderr: () => stderr });
        }
      } catch { /* not our line */ }
    });
  });
}

export function stop(proc) {
  if (!proc || proc.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.child.removeAllListeners('exit');
    proc.child.on('exit', () => resolve());
    proc.child.kill('SIGTERM');
  });
}

// One HTTPS request with a development client certificate; resolves {status, headers, body}.
export function request(port, certs, who, method, target, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port, method, path: target, servername: 'localhost',
      ca: readFileSync(path.join(certs, 'ca.crt')),
      cert: readFileSync(path.join(certs, `client-${who}.crt`)),
      key: readFileSync(path.join(certs, `client-${who}.key`)),
      headers: Object.assign(body ? { 'Content-Type': 'application/fhir+json' } : {}, headers),
      timeout: 30000,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${method} ${target}: timed out`)));
    if (body) req.write(body);
    req.end();
  });
}

// Polls `check` until it returns a truthy value (then returns it) or `ms` pass.
export async function eventually(check, what, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}
