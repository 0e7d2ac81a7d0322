/**
 * One row of the benchmark table: what was measured, its target, the reference
 * measured in the same run, and a plain verdict. Benchmarks are not tests: a MISS
 * is printed, never thrown.
 */

/** A floor (`>=`, `>`) or a ceiling (`<=`, `<`), in the row's unit. */
export interface Target {
  readonly op: '>=' | '>' | '<=' | '<';
  readonly value: number;
}

/** A figure measured in the same run that the row is compared with. */
export interface Reference {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

export type Verdict = 'PASS' | 'MISS' | 'INFO' | 'N/A';

export interface Row {
  /** The benchmark it belongs to: issuance, handshakes, rotation, revocation, scale. */
  readonly bench: string;
  readonly figure: string;
  /** undefined when the figure could not be measured (see `note`). */
  readonly value: number | undefined;
  readonly unit: string;
  readonly target?: Target;
  readonly reference?: Reference;
  /** value / reference.value, when both exist. */
  readonly ratio?: number;
  readonly verdict: Verdict;
  readonly note?: string;
}

/** Builds a row, deriving the verdict from the target and the ratio from the reference. */
export function row(params: Omit<Row, 'verdict' | 'ratio'> & { ratioTarget?: Target }): Row {
  const { ratioTarget, ...rest } = params;
  const ratio = params.reference && params.value !== undefined && params.reference.value > 0
    ? params.value / params.reference.value
    : undefined;
  let verdict: Verdict = 'INFO';
  if (params.value === undefined) verdict = 'N/A';
  else if (params.target) verdict = meets(params.value, params.target) ? 'PASS' : 'MISS';
  else if (ratioTarget && ratio !== undefined) verdict = meets(ratio, ratioTarget) ? 'PASS' : 'MISS';
  return { ...rest, ...(ratio === undefined ? {} : { ratio }), verdict };
}

function meets(value: number, target: Target): boolean {
  switch (target.op) {
    case '>=': return value >= target.value;
    case '>': return value > target.value;
    case '<=': return value <= target.value;
    case '<': return value < target.value;
  }
}

/** A number with a sensible number of digits for a table. */
export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString('en-US');
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}

function withUnit(value: number, unit: string): string {
  return unit === '' ? formatNumber(value) : `${formatNumber(value)} ${unit}`;
}

/** The one table `npm run bench` prints. */
export function formatTable(rows: readonly Row[]): string {
  const header = ['benchmark', 'figure', 'measured', 'target', 'verdict', 'reference (same run)', 'ratio'];
  const lines = rows.map((r) => [
    r.bench,
    r.figure,
    r.value === undefined ? '-' : withUnit(r.value, r.unit),
    r.target ? `${r.target.op} ${withUnit(r.target.value, r.unit)}` : '',
    r.verdict,
    r.reference ? `${r.reference.name}: ${withUnit(r.reference.value, r.reference.unit)}` : '',
    r.ratio === undefined ? '' : r.ratio.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [fmt(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const [i, cells] of lines.entries()) {
    out.push(fmt(cells));
    const note = rows[i]!.note;
    if (note) out.push(`${' '.repeat(widths[0]! + 2)}  ↳ ${note}`);
  }
  return out.join('\n');
}
