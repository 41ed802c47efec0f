import { describe, expect, it } from 'vitest';
import { benchOps } from '../../ops/bench.js';
import { hasSnmpd } from './snmpd.js';

describe('benchOps', () => {
  it.skipIf(!hasSnmpd)(
    'benchOps, measures poll round trips and trap latency, against a private snmpd',
    async () => {
      const rows = await benchOps({ samples: 5 });
      expect(rows.map((r) => r.name)).toEqual([
        'ups poll round trip (UPS-MIB, v2c, local snmpd)',
        'ups poll round trip (PowerNet, v3 authPriv, local snmpd)',
        'trap to UPS state',
      ]);
      for (const r of rows) {
        expect(r.unit).toBe('ms');
        expect(Number.isFinite(r.value)).toBe(true);
      }
    },
  );
});
