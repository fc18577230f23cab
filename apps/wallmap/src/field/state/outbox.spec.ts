import { bodyOf, classify, followUp, needsUpload, sendable, type OutboxItem } from './outbox';

const item = (over: Partial<OutboxItem>): OutboxItem => ({ key: 'k', kind: 'report', url: '/api/events', body: { title: 't' }, createdAt: 1, label: 't', attempts: 0, ...over });

describe('field outbox rules', () => {
  it('classifies answers: sent, retry later, refused for good', () => {
    expect([200, 201, 202].map(classify)).toEqual(['sent', 'sent', 'sent']);
    expect([401, 408, 429, 500, 503].map(classify)).toEqual(['retry', 'retry', 'retry', 'retry', 'retry']);
    expect([400, 403, 404, 409, 413].map(classify)).toEqual(['refused', 'refused', 'refused', 'refused', 'refused']);
  });

  it('sends oldest first and holds refused items back', () => {
    const items = [item({ key: 'b', createdAt: 2 }), item({ key: 'a', createdAt: 1 }), item({ key: 'c', createdAt: 0, refused: 'VALIDATION_FAILED' })];
    expect(sendable(items).map((i) => i.key)).toEqual(['a', 'b']);
  });

  it('adds the uploaded photo to a report and uploads it only once', () => {
    const photo = new Blob(['x']);
    expect(needsUpload(item({ photo }))).toBe(true);
    const up = item({ photo, uploaded: { url: '/api/attachments/1', type: 'image/jpeg' }, body: { title: 't' } });
    expect(needsUpload(up)).toBe(false);
    expect(bodyOf(up)).toEqual({ title: 't', attachments: [{ url: '/api/attachments/1', type: 'image/jpeg' }] });
    expect(bodyOf(item({ kind: 'visit', body: { notes: 'n' } }))).toEqual({ notes: 'n' });
  });

  it('turns a sent report with self-handling into a transition of the new case, with a derived key', () => {
    const r = item({ key: 'report-1', then: { action: 'self_handle', note: '已清理' } });
    expect(followUp(r, 42)).toMatchObject({ key: 'report-1:self_handle', kind: 'action', url: '/api/events/42/transitions', body: { action: 'self_handle', note: '已清理' } });
    expect(followUp(item({ key: 'r2' }), 42)).toBeNull();
  });
});
