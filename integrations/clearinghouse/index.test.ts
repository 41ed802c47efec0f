import { describe, expect, it } from 'vitest';
import { configSchema } from '../../appliance/config.js';
import { createTransportFromConfig, memoryCursorStore } from './index.js';

describe('createTransportFromConfig', () => {
  it('picks the transport the config names', () => {
    const cursors = memoryCursorStore();
    const base = configSchema.parse({});
    expect(createTransportFromConfig(base, { cursors }).name).toBe('sandbox');
    const rest = configSchema.parse({
      clearinghouse: { transport: 'rest', base_url: 'https://example.invalid', account_key: 'k' },
    });
    expect(createTransportFromConfig(rest, { cursors }).name).toBe('rest');
    const sftp = configSchema.parse({
      clearinghouse: {
        transport: 'sftp',
        sftp: { host: 'h', username: 'u', password: 'p', host_key_sha256: 'SHA256:x' },
      },
    });
    expect(createTransportFromConfig(sftp, { cursors }).name).toBe('sftp');
  });
});
