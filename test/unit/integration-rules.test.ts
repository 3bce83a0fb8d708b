// The integration rules that need no app: which webhook URLs are accepted under production
// and development settings, the retry schedule's bounds, and that every coordinate the
// integration policy opens exists in the schema (a typo would silently deny it).
import { describe, expect, it } from 'vitest';
import { isObjectType } from 'graphql';
import { schema } from '../../src/schema.ts';
import { integrationRules } from '../../src/platform/integration-guard.ts';
import { deliveryPolicy, retryDelay } from '../../src/modules/integrations/rules.ts';
import { urlRefusal } from '../../src/modules/integrations/webhooks.ts';

const production = { allowHttpLoopback: false, refusePrivateNetworks: true };
const development = { allowHttpLoopback: true, refusePrivateNetworks: false };
const code = async (url: string, settings: typeof production) => (await urlRefusal(url, settings, ['url']))?.code ?? null;

describe('webhook URLs', () => {
  it('refuses private, loopback and link-local targets in production, and plain http', async () => {
    for (const url of ['https://10.1.2.3/x', 'https://192.168.0.10/', 'https://172.20.0.1/', 'https://127.0.0.1/', 'https://169.254.169.254/latest', 'https://[::1]/', 'https://[fd00::1]/', 'https://[::ffff:10.0.0.1]/', 'https://localhost/', 'http://127.0.0.1:8080/']) {
      expect(await code(url, production), url).toBe('WEBHOOK_URL_NOT_ALLOWED');
    }
    expect(await code('https://93.184.216.34/hooks', production)).toBeNull();
    expect(await code('https://user:pw@93.184.216.34/hooks', production)).toBe('WEBHOOK_URL_NOT_ALLOWED');
  });

  it('accepts plain http only for loopback hosts when the setting allows it', async () => {
    expect(await code('http://127.0.0.1:8080/hooks', development)).toBeNull();
    expect(await code('http://localhost:8080/hooks', development)).toBeNull();
    expect(await code('http://hooks.example.com/', development)).toBe('WEBHOOK_URL_NOT_ALLOWED');
    expect(await code('https://10.1.2.3/x', development)).toBeNull();
    expect(await code('nope', development)).toBe('URL_INVALID');
  });
});

describe('retry schedule', () => {
  it('doubles from about 10 s, jittered by ±20 %, and never waits more than 6 hours', () => {
    expect(retryDelay(1, () => 0)).toBe(8_000);
    expect(retryDelay(1, () => 1)).toBe(12_000);
    expect(retryDelay(3, () => 0.5)).toBe(40_000);
    expect(retryDelay(30, () => 1)).toBe(deliveryPolicy.maxRetryMs * 1.2);
  });
});

describe('the integration policy', () => {
  it('names only types and fields that exist', () => {
    for (const coordinate of integrationRules().keys()) {
      const [typeName, fieldName] = coordinate.split('.');
      const type = schema.getType(typeName);
      expect(type && isObjectType(type), coordinate).toBe(true);
      if (fieldName && type && isObjectType(type)) expect(type.getFields()[fieldName], coordinate).toBeDefined();
    }
  });
});
