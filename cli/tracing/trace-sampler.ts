import type * as SdkTrace from '@opentelemetry/sdk-trace';
import type { Sampler } from '@opentelemetry/sdk-trace';
import { WeftError } from '../../src/index.ts';

type Samplers = typeof SdkTrace;

/**
 * The sampler OTEL_TRACES_SAMPLER names (always_on, always_off, traceidratio,
 * parentbased_always_on — the default —, parentbased_always_off, parentbased_traceidratio),
 * with OTEL_TRACES_SAMPLER_ARG as the ratio (0…1, default 1). An unknown name or a bad ratio is
 * ERR_CONFIG_INVALID naming the variable.
 */
export function traceSampler(env: Readonly<Record<string, string | undefined>>, sdk: Samplers): Sampler {
  const name = (env.OTEL_TRACES_SAMPLER?.trim() || 'parentbased_always_on').toLowerCase();
  const ratio = (): number => {
    const raw = env.OTEL_TRACES_SAMPLER_ARG?.trim();
    if (raw === undefined || raw === '') return 1;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0 || value > 1) throw new WeftError('ERR_CONFIG_INVALID', { reason: `OTEL_TRACES_SAMPLER_ARG: must be a number from 0 to 1, got ${JSON.stringify(raw)}` });
    return value;
  };
  switch (name) {
    case 'always_on': return new sdk.AlwaysOnSampler();
    case 'always_off': return new sdk.AlwaysOffSampler();
    case 'traceidratio': return new sdk.TraceIdRatioBasedSampler(ratio());
    case 'parentbased_always_on': return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() });
    case 'parentbased_always_off': return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOffSampler() });
    case 'parentbased_traceidratio': return new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(ratio()) });
    default:
      throw new WeftError('ERR_CONFIG_INVALID', {
        reason: `OTEL_TRACES_SAMPLER: ${JSON.stringify(name)} is not one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio`,
      });
  }
}
