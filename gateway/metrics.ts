/**
 * Decision counters, by outcome, reason code and route, in the Prometheus text
 * exposition format. A small module of its own: the CA has no metrics facility
 * on this branch yet (issue 14 brings prom-client); these counters move onto
 * it when that lands.
 */

export type DecisionOutcome = 'allowed' | 'denied' | 'error';

export class GatewayMetrics {
  readonly #counts = new Map<string, number>();

  /** Counts one decision. Never throws. */
  count(outcome: DecisionOutcome, reason: string | undefined, route: string | undefined): void {
    const key = JSON.stringify([outcome, reason ?? '', route ?? '']);
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /** How many decisions had this outcome (and reason, when given). */
  total(outcome: DecisionOutcome, reason?: string): number {
    let sum = 0;
    for (const [key, n] of this.#counts) {
      const [o, r] = JSON.parse(key) as [string, string, string];
      if (o === outcome && (reason === undefined || r === reason)) sum += n;
    }
    return sum;
  }

  /** `tessera_gateway_decisions_total{outcome,reason,route}` as Prometheus text. */
  exposition(): string {
    const lines = ['# HELP tessera_gateway_decisions_total Requests the gateway decided, by outcome, reason code and route.',
      '# TYPE tessera_gateway_decisions_total counter'];
    for (const [key, n] of this.#counts) {
      const [outcome, reason, route] = JSON.parse(key) as [string, string, string];
      lines.push(`tessera_gateway_decisions_total{outcome="${outcome}",reason="${reason}",route="${route}"} ${n}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
