/** The shapes the ops API answers (see src/ops/ on the engine side). */

export interface NamespaceSummary {
  namespace: string;
  state: string;
  ready: boolean;
  paused: boolean;
  backlog: number;
  inFlight: number;
  specs: number;
  nodes: Record<'active' | 'inactive' | 'failed', number>;
  failedLoads: number;
  sources: Record<string, number>;
}

export interface CodedError {
  code: string;
  category?: string;
  message: string;
}

export interface ConsoleSpec {
  id: string;
  name?: string;
  kind: string;
  revision: number;
  state: 'active' | 'inactive' | 'failed';
  problems: string[];
  error?: CodedError;
  pendingError?: CodedError & { revision: number };
  yaml?: string;
}

export interface End {
  node: string;
  port: string;
}

export interface Topology {
  namespace: string;
  nodes: { key: string; id?: string; name?: string; kind: string; source: boolean; inPorts?: string[]; outPorts?: string[] }[];
  edges: { source: End; target: End }[];
  inputs: string[];
  outputs: string[];
  order: { node: string; depth: number }[];
  acyclic: boolean;
  cycles: string[][];
  unreachable: string[];
  unresolved: { source: End; target: { name?: string; id?: string; port: string }; reason: 'missing' | 'port' }[];
}

export interface NodeMetrics {
  node: string;
  kind: string;
  packetsIn: number;
  packetsOut: number;
  errors: number;
  inFlight: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  latencySamples: number;
  recentErrors: { at: string; code?: string; message: string; process: string }[];
}

export interface Revision {
  revision: number;
  op: string;
  at: string;
  yaml: string;
}

export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
}

export interface OpsEvent {
  type: string;
  namespace: string;
  node?: string;
  source?: End;
  target?: End;
  metrics?: { nodes: Record<string, { messagesProcessed: number; errorCount: number }> };
  [field: string]: unknown;
}
