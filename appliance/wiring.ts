// Which integrations the configured appliance uses: the one place that imports integrations/.
// main.ts composes the core; this file picks the outside world's implementations for it.
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { Appliance, Wiring } from './main.js';

export interface IntegrationWiring extends Wiring {
  /** Start listeners/pollers that need the running appliance (MLLP, file drop, SNMP, demo feed). */
  afterStart?: (appliance: Appliance) => Promise<void>;
  /** The power policy asks for a clean stop. */
  onShutdownRequest?: (handler: (reason: string) => void) => void;
}

export function wireIntegrations(
  _config: Config,
  _logger: Logger,
  _opts: { sandbox?: boolean; demoFeed: boolean },
): Promise<IntegrationWiring> {
  return Promise.resolve({});
}
