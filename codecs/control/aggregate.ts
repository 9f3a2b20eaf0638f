import { Type } from '@sinclair/typebox';
import { defineKind, InPort, OutPort, Packet, WeftError, type Node, type Process, type Program, type Reply } from '../../src/index.ts';

/** The kind name. */
export const kind = 'aggregate';

/** The aggregate's own spec fields. */
export const schema = Type.Object({
  by: Type.String({ minLength: 1, description: 'A CEL expression over a record (self) giving its group key: a string, number or boolean.' }),
  values: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String({ minLength: 1 }), {
    maxProperties: 100, description: 'Named CEL expressions over a record giving a number; each gets a sum, avg, min and max per group.',
  })),
  reset: Type.Optional(Type.Boolean({ description: 'Start again from empty groups after each flush (default true).' })),
});

/** The figures of one group. */
interface Group {
  count: number;
  readonly sum: number[];
  readonly min: number[];
  readonly max: number[];
}

/**
 * Keeps counts and numeric statistics per group in the node (in memory: a reload or a restart
 * starts from empty groups). `in` takes a record or an array of records and replies
 * `{records}` (how many it added); the whole array is checked first, so a bad record (a key
 * or a value of the wrong type) adds nothing and is ERR_AGGREGATE_VALUE. Any packet on `flush`
 * writes `{records, groups: {KEY: {count, sum: {NAME}, avg: {NAME}, min: {NAME}, max: {NAME}}}, trigger}`
 * to `out` (trigger: the flush payload) and replies that write's reply.
 */
export class AggregateNode implements Node {
  readonly inPort: InPort;
  readonly flushPort: InPort;
  readonly outPort = new OutPort('out');
  readonly errorPort = new OutPort('error');
  readonly #by: Program;
  readonly #names: readonly string[];
  readonly #values: readonly Program[];
  readonly #reset: boolean;
  #groups = new Map<string | number | boolean, Group>();
  #records = 0;

  constructor(options: { by: Program; values: Readonly<Record<string, Program>>; reset: boolean }) {
    this.#by = options.by;
    this.#names = Object.keys(options.values);
    this.#values = Object.values(options.values);
    this.#reset = options.reset;
    this.inPort = new InPort('in', (process, packet) => this.#add(process, packet));
    this.flushPort = new InPort('flush', (process, packet) => this.#flush(process, packet));
  }

  in(name: string): InPort | undefined {
    if (name === 'in') return this.inPort;
    return name === 'flush' ? this.flushPort : undefined;
  }

  out(name: string): OutPort | undefined {
    if (name === 'out') return this.outPort;
    return name === 'error' ? this.errorPort : undefined;
  }

  close(): void {
    this.inPort.close();
    this.flushPort.close();
  }

  #add(process: Process, packet: Packet): Reply {
    const payload = packet.payload;
    if (payload instanceof Error) return this.errorPort.write(process, packet);
    const records = Array.isArray(payload) ? payload : [payload];
    const width = this.#values.length;
    const keys = new Array<string | number | boolean>(records.length);
    const numbers = new Float64Array(records.length * width);
    try {
      for (let r = 0; r < records.length; r++) {
        const key = this.#by.run(records[r]);
        if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'boolean') throw valueError(r, 'by', 'a string, number or boolean', key);
        keys[r] = key;
        for (let v = 0; v < width; v++) {
          const value = this.#values[v]!.run(records[r]);
          const number = typeof value === 'bigint' ? Number(value) : value;
          if (typeof number !== 'number' || !Number.isFinite(number)) throw valueError(r, `values.${this.#names[v]!}`, 'a finite number', value);
          numbers[r * width + v] = number;
        }
      }
    } catch (thrown) {
      const error = thrown instanceof WeftError ? thrown : new WeftError('ERR_AGGREGATE_VALUE', { index: 0, field: 'by', reason: thrown instanceof Error ? thrown.message : String(thrown) });
      return this.errorPort.write(process, new Packet(error));
    }
    for (let r = 0; r < records.length; r++) {
      let group = this.#groups.get(keys[r]!);
      if (group === undefined) {
        group = { count: 0, sum: new Array<number>(width).fill(0), min: new Array<number>(width).fill(Infinity), max: new Array<number>(width).fill(-Infinity) };
        this.#groups.set(keys[r]!, group);
      }
      group.count++;
      for (let v = 0; v < width; v++) {
        const number = numbers[r * width + v]!;
        group.sum[v]! += number;
        if (number < group.min[v]!) group.min[v] = number;
        if (number > group.max[v]!) group.max[v] = number;
      }
    }
    this.#records += records.length;
    return new Packet({ records: records.length });
  }

  #flush(process: Process, packet: Packet): Reply {
    const groups: Record<string, unknown> = {};
    for (const [key, group] of this.#groups) {
      const pick = (values: readonly number[]): Record<string, number> => Object.fromEntries(this.#names.map((name, v) => [name, values[v]!]));
      groups[String(key)] = {
        count: group.count,
        sum: pick(group.sum),
        avg: pick(group.sum.map((sum) => sum / group.count)),
        min: pick(group.min),
        max: pick(group.max),
      };
    }
    const result = { records: this.#records, groups, trigger: packet.payload instanceof Error ? packet.payload.message : packet.payload };
    if (this.#reset) {
      this.#groups = new Map();
      this.#records = 0;
    }
    return this.outPort.write(process, new Packet(result));
  }
}

function valueError(index: number, field: string, expected: string, value: unknown): WeftError {
  return new WeftError('ERR_AGGREGATE_VALUE', { index, field, reason: `must be ${expected}, not ${value === null ? 'null' : typeof value}` });
}

/** `aggregate`: counts, sums, averages, minima and maxima per group, until flushed. */
export const definition = defineKind({
  kind,
  description: 'Counts records (or arrays of records) per group key (CEL `by`) with sum, avg, min and max of named CEL values; a packet on flush sends the figures to out.',
  schema,
  ports: { in: ['in', 'flush'], out: ['out', 'error'] },
  codec: async (spec, context) => {
    const compile = async (code: string): Promise<Program> => await context.languages.compile('cel', code, { label: spec.name ?? kind, logger: context.logger });
    const values: Record<string, Program> = {};
    for (const [name, code] of Object.entries(spec.values ?? {})) values[name] = await compile(code);
    return new AggregateNode({ by: await compile(spec.by), values, reset: spec.reset ?? true });
  },
});
