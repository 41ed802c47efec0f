import { describe, expect, it } from 'vitest';
import { adminPage, loginPage, type AdminPageData } from './admin-page.js';

function data(over: Partial<AdminPageData> = {}): AdminPageData {
  return {
    counts: { encounters: {}, claims: {} },
    encounters: [],
    claims: [],
    work: [],
    batches: [],
    lags: [{ stage: 'accepted → paid', count: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0 }],
    health: { status: 'ok', checkedAt: '2026-01-01T00:00:00.000Z', version: '0', checks: [] },
    hold: [],
    user: 'maria',
    ...over,
  };
}

const render = async (d: AdminPageData) => String(await adminPage(d));

describe('adminPage', () => {
  it('says so in every table, when nothing has arrived yet', async () => {
    const page = await render(data());
    for (const text of [
      'Nothing needs a person.',
      'No encounters received yet.',
      'No claims yet.',
      'Nothing sent yet.',
    ])
      expect(page).toContain(text);
    // A stage with no samples shows a dash, not a misleading "0 ms".
    expect(page).not.toContain('0 ms');
  });

  it('shows a banner and a release button, when an operator holds submissions', async () => {
    const page = await render(data({ hold: ['operator'] }));
    expect(page).toContain('id="hold-banner"');
    expect(page).toMatch(/Release hold/);
    expect(page).toContain('data-body="{&quot;held&quot;:false}"');
  });

  it('offers to hold rather than a release that would do nothing, when only the power policy holds', async () => {
    const page = await render(data({ hold: ['power'] }));
    expect(page).toContain('submissions held: power');
    expect(page).toMatch(/Hold submissions/);
    expect(page).toContain('data-body="{&quot;held&quot;:true}"');
  });

  it('lists the checks that are not ok, when health is degraded', async () => {
    const page = await render(
      data({
        health: {
          status: 'degraded',
          checkedAt: '2026-01-01T00:00:00.000Z',
          version: '0',
          checks: [
            { name: 'disk', status: 'degraded', message: '12% free' },
            { name: 'database', status: 'ok', message: 'writable' },
          ],
        },
      }),
    );
    expect(page).toContain('disk: 12% free');
    expect(page).not.toContain('database: writable');
  });

  it('escapes values from the database, when an error text carries markup', async () => {
    const page = await render(
      data({
        encounters: [
          {
            id: 1,
            visitNumber: 'V1',
            version: 1,
            kind: 'medical',
            dateOfService: '2026-01-01',
            status: 'needs_review',
            patientLabel: 'A.B. …1234',
            lastError: '<script>x()</script>',
            parked: false,
            receivedAt: 0,
          },
        ],
      }),
    );
    expect(page).not.toContain('<script>x()</script>');
    expect(page).toContain('&lt;script&gt;');
  });
});

describe('loginPage', () => {
  it('asks for the setup token, when no user exists yet', async () => {
    const page = String(await loginPage({ setupRequired: true }));
    expect(page).toContain('name="token"');
    expect(page).toContain('minlength="12"');
  });

  it('shows the sign-in form, once an admin exists', async () => {
    const page = String(await loginPage({ setupRequired: false }));
    expect(page).toContain('id="login"');
    expect(page).not.toContain('name="token"');
  });
});
