// The admin page: server-rendered HTML (hono's html template escapes every value), no external
// assets. Staff see what is waiting, what went out, and what needs them.
import { html, raw } from 'hono/html';
import type { HealthReport } from './health.js';
import type { EncounterSummary, LagStat } from '../store/queries.js';

export interface AdminPageData {
  counts: { encounters: Record<string, number>; claims: Record<string, number> };
  encounters: EncounterSummary[];
  claims: {
    id: number;
    pcn: string;
    status: string;
    frequency: string;
    payerId: string;
    totalChargeCents: number;
    paidCents: number;
    lastError: string | null;
  }[];
  work: {
    id: number;
    kind: string;
    entityType: string;
    entityId: number;
    category: string | null;
    reasons: unknown;
  }[];
  batches: {
    id: number;
    fileName: string;
    status: string;
    claimCount: number;
    testMode: boolean;
    attempts: number;
  }[];
  lags: LagStat[];
  health: HealthReport;
  hold: string[];
  user?: string;
}

const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;
const secs = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2733;background:#f5f7fa}
header{background:#1d3557;color:#fff;padding:10px 20px;display:flex;flex-wrap:wrap;gap:10px 16px;align-items:center}
header h1{font-size:18px;margin:0}header .me{margin-left:auto;display:flex;gap:10px;align-items:center}
main{padding:16px 20px;display:grid;gap:16px}
section{background:#fff;border:1px solid #d9e0e8;border-radius:6px;padding:12px 16px;overflow-x:auto}
h2{font-size:15px;margin:0 0 8px}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eef1f5;font-variant-numeric:tabular-nums}
th,td{white-space:nowrap}td.wrap{white-space:normal;min-width:16em}
td.empty{color:#6b7785;font-style:italic;white-space:normal}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;background:#e8eef6;color:#1d2733;white-space:nowrap}
.ok{background:#d8f3dc}.degraded{background:#fff3bf}.critical{background:#ffd6d6}
.banner{background:#fff3bf;border-color:#e6c34a;font-weight:600}
.counts span{margin-right:12px}.counts ul{margin:6px 0 0;padding-left:20px}
button{padding:4px 10px;font:inherit;border:1px solid #9aa7b5;border-radius:4px;background:#f5f7fa;color:#1d2733;cursor:pointer}
button:hover{background:#fff}#action-error{color:#ffd6d6}#error{color:#b00020}`;

/** Status words coloured by what they ask of a person: done, waiting on someone, or gone wrong. */
const TONE: Record<string, 'ok' | 'degraded' | 'critical'> = {
  accepted: 'ok',
  paid: 'ok',
  claimed: 'ok',
  partially_paid: 'degraded',
  needs_review: 'degraded',
  rejected: 'critical',
  denied: 'critical',
  failed: 'critical',
  parked: 'critical',
};
const pill = (status: string) => html`<span class="pill ${TONE[status] ?? ''}">${status}</span>`;
/** A table body that says so when there is nothing to show, instead of bare headers. */
const emptyRow = (cols: number, text: string) =>
  html`<tr>
    <td class="empty" colspan="${cols}">${text}</td>
  </tr>`;

// Header buttons post to /api and reload; a refusal (a viewer pressing Hold: 403) is shown, not swallowed.
const ACTION_SCRIPT = `
async function act(url, body) {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (r.ok || r.status === 401) { location.reload(); return; }
  const j = await r.json().catch(() => ({}));
  document.getElementById('action-error').textContent = j.message || j.error || ('refused (' + r.status + ')');
}
for (const b of document.querySelectorAll('button[data-post]'))
  b.addEventListener('click', () => act(b.dataset.post, b.dataset.body === undefined ? undefined : JSON.parse(b.dataset.body)));`;

function reasonsText(reasons: unknown): string {
  if (!Array.isArray(reasons)) return '';
  return reasons
    .map((r) =>
      typeof r === 'object' && r && 'message' in r ? String((r as { message: unknown }).message) : '',
    )
    .join(' · ');
}

export function adminPage(d: AdminPageData) {
  const countRow = (rec: Record<string, number>) =>
    Object.entries(rec).map(([k, v]) => html`<span>${pill(k)} ${v}</span>`);
  const operatorHold = d.hold.includes('operator');
  const notOk = d.health.checks.filter((c) => c.status !== 'ok');
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>claimbox</title>
        <style>
          ${raw(STYLE)}
        </style>
      </head>
      <body>
        <header>
          <h1>claimbox</h1>
          <span
            class="pill ${d.health.status}"
            id="health"
            title="${notOk.map((c) => `${c.name}: ${c.message}`).join('\n')}"
            >health: ${d.health.status}</span
          >
          <span class="pill ${d.hold.length ? 'degraded' : 'ok'}" id="hold"
            >${d.hold.length ? `submissions held: ${d.hold.join(', ')}` : 'submitting'}</span
          >
          <button id="submit-now" data-post="/api/submission/submit-now">Submit now</button>
          <button
            id="toggle-hold"
            data-post="/api/submission/hold"
            data-body="${JSON.stringify({ held: !operatorHold })}"
          >
            ${operatorHold ? 'Release hold' : 'Hold submissions'}
          </button>
          <span id="action-error" role="alert"></span>
          ${
            d.user
              ? html`<span class="me"
                  ><span id="user">signed in as ${d.user}</span>
                  <button id="logout" data-post="/api/logout">Sign out</button></span
                >`
              : ''
          }
        </header>
        <main>
          ${
            d.hold.length
              ? html`<section class="banner" id="hold-banner">
                  Submissions are held (${d.hold.join(', ')}): claims wait here and nothing is sent to the
                  clearinghouse until the hold is released.
                </section>`
              : ''
          }
          <section class="counts" id="counts">
            <h2>Status</h2>
            <div>Encounters: ${countRow(d.counts.encounters)}</div>
            <div>Claims: ${countRow(d.counts.claims)}</div>
            ${
              notOk.length
                ? html`<ul id="health-problems">
                    ${notOk.map((c) => html`<li>${pill(c.status)} ${c.name}: ${c.message}</li>`)}
                  </ul>`
                : ''
            }
          </section>
          <section id="lags">
            <h2>Speed (note finalized → claim accepted)</h2>
            <table>
              <tr>
                <th>Stage</th>
                <th>Count</th>
                <th>p50</th>
                <th>p95</th>
                <th>p99</th>
              </tr>
              ${d.lags.length === 0 ? emptyRow(5, 'No finished items yet.') : ''}
              ${d.lags.map(
                (l) =>
                  html`<tr>
                    <td>${l.stage}</td>
                    <td>${l.count}</td>
                    <td>${l.count ? secs(l.p50Ms) : '–'}</td>
                    <td>${l.count ? secs(l.p95Ms) : '–'}</td>
                    <td>${l.count ? secs(l.p99Ms) : '–'}</td>
                  </tr>`,
              )}
            </table>
          </section>
          <section id="work">
            <h2>Needs a person (${d.work.length})</h2>
            <table>
              <tr>
                <th>#</th>
                <th>Kind</th>
                <th>Item</th>
                <th>Category</th>
                <th>Reasons</th>
              </tr>
              ${d.work.length === 0 ? emptyRow(5, 'Nothing needs a person.') : ''}
              ${d.work.map(
                (w) =>
                  html`<tr>
                    <td>${w.id}</td>
                    <td>${w.kind}</td>
                    <td>${w.entityType} ${w.entityId}</td>
                    <td>${w.category ?? ''}</td>
                    <td class="wrap">${reasonsText(w.reasons)}</td>
                  </tr>`,
              )}
            </table>
          </section>
          <section id="encounters">
            <h2>Encounters</h2>
            <table>
              <tr>
                <th>#</th>
                <th>Visit</th>
                <th>Patient</th>
                <th>DOS</th>
                <th>Kind</th>
                <th>Status</th>
                <th>Problem</th>
              </tr>
              ${d.encounters.length === 0 ? emptyRow(7, 'No encounters received yet.') : ''}
              ${d.encounters.map(
                (e) =>
                  html`<tr>
                    <td>${e.id}</td>
                    <td>${e.visitNumber}${e.version > 1 ? ` v${e.version}` : ''}</td>
                    <td>${e.patientLabel}</td>
                    <td>${e.dateOfService}</td>
                    <td>${e.kind}</td>
                    <td>${pill(e.status)}</td>
                    <td class="wrap">${e.lastError ?? ''}</td>
                  </tr>`,
              )}
            </table>
          </section>
          <section id="claims">
            <h2>Claims</h2>
            <table>
              <tr>
                <th>#</th>
                <th>PCN</th>
                <th>Payer</th>
                <th>Freq</th>
                <th>Charge</th>
                <th>Paid</th>
                <th>Status</th>
              </tr>
              ${d.claims.length === 0 ? emptyRow(7, 'No claims yet.') : ''}
              ${d.claims.map(
                (c) =>
                  html`<tr>
                    <td>${c.id}</td>
                    <td>${c.pcn}</td>
                    <td>${c.payerId}</td>
                    <td>${c.frequency}</td>
                    <td>${money(c.totalChargeCents)}</td>
                    <td>${money(c.paidCents)}</td>
                    <td>${pill(c.status)}</td>
                  </tr>`,
              )}
            </table>
          </section>
          <section id="batches">
            <h2>Batches sent to the clearinghouse</h2>
            <table>
              <tr>
                <th>#</th>
                <th>File</th>
                <th>Claims</th>
                <th>Mode</th>
                <th>Status</th>
                <th>Attempts</th>
              </tr>
              ${d.batches.length === 0 ? emptyRow(6, 'Nothing sent yet.') : ''}
              ${d.batches.map(
                (b) =>
                  html`<tr>
                    <td>${b.id}</td>
                    <td>${b.fileName}</td>
                    <td>${b.claimCount}</td>
                    <td>${b.testMode ? 'test' : 'live'}</td>
                    <td>${pill(b.status)}</td>
                    <td>${b.attempts}</td>
                  </tr>`,
              )}
            </table>
          </section>
        </main>
        <script>
          ${raw(ACTION_SCRIPT)};
        </script>
      </body>
    </html>`;
}

const LOGIN_SCRIPT = `
async function post(url, body) {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (r.ok) { location.reload(); return; }
  const j = await r.json().catch(() => ({}));
  const text =
    r.status === 429 ? 'Too many attempts: try again in ' + Math.ceil((j.retryAfterSeconds || 60) / 60) + ' min.'
    : j.error === 'invalid_credentials' ? 'Wrong username or password.'
    : j.error === 'invalid_setup_token' ? 'That setup token is not the one in the service log.'
    : j.message || j.error || ('sign-in failed (' + r.status + ')');
  document.getElementById('error').textContent = text;
}
document.getElementById('login')?.addEventListener('submit', (e) => {
  e.preventDefault();
  const f = e.target;
  post('/api/login', { username: f.username.value, password: f.password.value });
});
document.getElementById('setup')?.addEventListener('submit', (e) => {
  e.preventDefault();
  const f = e.target;
  post('/api/setup', { token: f.token.value, username: f.username.value, password: f.password.value });
});`;

/** Sign-in page; on first run also the form that creates the first admin with the logged setup token. */
export function loginPage(d: { setupRequired: boolean }) {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>claimbox: sign in</title>
        <style>
          ${raw(STYLE)} form {
            display: grid;
            gap: 8px;
            max-width: 320px;
          }
          input {
            padding: 6px;
          }
          main section {
            max-width: 560px;
          }
        </style>
      </head>
      <body>
        <header><h1>claimbox</h1></header>
        <main>
          <section>
            ${
              d.setupRequired
                ? html`<h2>First run: create the first admin</h2>
                    <p>
                      The setup token is in the service log (<code
                        >journalctl -u claimbox | grep "setup token"</code
                      >), or run <code>claimbox user add NAME --role admin</code> on the server.
                    </p>
                    <form id="setup">
                      <input name="token" placeholder="setup token" autocomplete="off" required autofocus />
                      <input name="username" placeholder="username" autocomplete="username" required />
                      <input
                        name="password"
                        type="password"
                        placeholder="password (12+ characters)"
                        autocomplete="new-password"
                        minlength="12"
                        required
                      />
                      <button type="submit">Create admin</button>
                    </form>`
                : html`<h2>Sign in</h2>
                    <form id="login">
                      <input
                        name="username"
                        placeholder="username"
                        autocomplete="username"
                        required
                        autofocus
                      />
                      <input
                        name="password"
                        type="password"
                        placeholder="password"
                        autocomplete="current-password"
                        required
                      />
                      <button type="submit">Sign in</button>
                    </form>`
            }
            <p id="error" role="alert"></p>
          </section>
        </main>
        <script>
          ${raw(LOGIN_SCRIPT)};
        </script>
      </body>
    </html>`;
}
