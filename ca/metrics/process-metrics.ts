import { Gauge, type Registry, collectDefaultMetrics } from 'prom-client';
import { buildInfo } from '../build-info.js';

/**
 * Registers what every Tessera process exports besides its own metrics:
 * `<prefix>build_info` (always 1, labelled with the version) and prom-client's
 * process metrics (`<prefix>process_*`, `<prefix>nodejs_*`: CPU, memory,
 * event-loop lag, GC, handles).
 *
 * @example registerProcessMetrics(registry, 'tessera_gateway_');
 */
export function registerProcessMetrics(registry: Registry, prefix: string): void {
  new Gauge({
    name: `${prefix}build_info`, help: 'The running version; always 1.', labelNames: ['version', 'node_version'], registers: [registry],
  }).set({ version: buildInfo.version, node_version: process.versions.node }, 1);
  collectDefaultMetrics({ register: registry, prefix });
}
