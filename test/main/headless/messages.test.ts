import { describe, expect, it } from 'vitest';
import { NO_CALL_ID, answerFrame } from '../../../main/headless/messages.ts';
import type { CoreApi } from '../../../main/core/api.ts';
import { createFakeCore, sampleIntegration } from './fake-core.ts';

describe('answerFrame', () => {
  it('answers a call with the core result under the same id', async () => {
    const core = createFakeCore([sampleIntegration()]);
    const reply = await answerFrame(core, JSON.stringify({ type: 'call', id: 7, method: 'integrations.list', params: {} }));
    expect(reply).toMatchObject({ type: 'result', id: 7, result: [{ name: 'Acme GitHub' }] });
  });

  it('passes core error replies through', async () => {
    const core = createFakeCore();
    const reply = await answerFrame(core, JSON.stringify({ type: 'call', id: 3, method: 'integrations.get', params: { id: 'missing' } }));
    expect(reply).toMatchObject({ type: 'error', id: 3, error: { code: 'not_found' } });
    const unknown = await answerFrame(core, JSON.stringify({ type: 'call', id: 4, method: 'nope', params: {} }));
    expect(unknown).toMatchObject({ type: 'error', id: 4, error: { code: 'invalid_input' } });
  });

  it('answers malformed frames with invalid_input, keeping a usable id', async () => {
    const core = createFakeCore();
    expect(await answerFrame(core, '{not json')).toMatchObject({ type: 'error', id: NO_CALL_ID, error: { code: 'invalid_input' } });
    expect(await answerFrame(core, 'null')).toMatchObject({ type: 'error', id: NO_CALL_ID, error: { code: 'invalid_input' } });
    expect(await answerFrame(core, JSON.stringify({ type: 'call', id: 9 }))).toMatchObject({ type: 'error', id: 9, error: { code: 'invalid_input' } });
    expect(await answerFrame(core, JSON.stringify({ type: 'subscribe', id: -5, method: 'x' }))).toMatchObject({ type: 'error', id: NO_CALL_ID });
    expect(core.calls).toHaveLength(0);
  });

  it('turns a core that throws (against its contract) into an internal error', async () => {
    const core: CoreApi = {
      call: async () => {
        throw new Error('boom');
      },
      onEvent: () => () => {},
    };
    const reply = await answerFrame(core, JSON.stringify({ type: 'call', id: 1, method: 'status.get', params: {} }));
    expect(reply).toMatchObject({ type: 'error', id: 1, error: { code: 'internal' } });
  });
});
