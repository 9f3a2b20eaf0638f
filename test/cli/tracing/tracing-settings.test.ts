import * as sdk from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import type { WeftError } from '../../../src/index.ts';
import { traceSampler } from '../../../cli/tracing/trace-sampler.ts';
import { tracesEndpoint } from '../../../cli/tracing/traces-endpoint.ts';

describe('tracing settings', () => {
  it('tracesEndpoint: --otel beats OTEL_EXPORTER_OTLP_TRACES_ENDPOINT beats OTEL_EXPORTER_OTLP_ENDPOINT; off without any or when OTEL_SDK_DISABLED', () => {
    expect(tracesEndpoint(undefined, {})).toBeUndefined();
    expect(tracesEndpoint('http://127.0.0.1:4318', {})).toBe('http://127.0.0.1:4318/v1/traces');
    expect(tracesEndpoint('http://c:4318/v1/traces/', {})).toBe('http://c:4318/v1/traces');
    expect(tracesEndpoint(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' })).toBe('http://c:4318/v1/traces');
    expect(tracesEndpoint(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t/custom' })).toBe('http://t/custom');
    expect(tracesEndpoint('http://flag:1', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t/custom' })).toBe('http://flag:1/v1/traces');
    expect(tracesEndpoint('http://flag:1', { OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
  });

  it('traceSampler follows OTEL_TRACES_SAMPLER / _ARG and refuses bad values with ERR_CONFIG_INVALID', () => {
    expect(traceSampler({}, sdk).toString()).toMatch(/ParentBased.*AlwaysOn/);
    expect(traceSampler({ OTEL_TRACES_SAMPLER: 'always_off' }, sdk)).toBeInstanceOf(sdk.AlwaysOffSampler);
    expect(traceSampler({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }, sdk).toString()).toContain('0.25');
    expect(traceSampler({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' }, sdk).toString()).toMatch(/ParentBased.*0\.5/);
    const refused = (env: Record<string, string>) => {
      try {
        traceSampler(env, sdk);
      } catch (thrown) {
        return (thrown as WeftError).code;
      }
      return 'accepted';
    };
    expect(refused({ OTEL_TRACES_SAMPLER: 'sometimes' })).toBe('ERR_CONFIG_INVALID');
    expect(refused({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' })).toBe('ERR_CONFIG_INVALID');
  });
});
