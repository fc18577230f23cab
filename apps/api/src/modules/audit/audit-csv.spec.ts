import { auditCsv, csvField } from './audit-csv';

describe('audit CSV', () => {
  it('quotes separators, quotes and line breaks, and defuses formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('x\ny')).toBe('"x\ny"');
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField(null)).toBe('');
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvField(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02T03:04:05.000Z');
  });

  it('writes a header and one line per row', () => {
    const out = auditCsv([{ id: 1, action: 'create', entity: 'event', entityId: '7', actorName: '张三' }]);
    const lines = out.replace('\uFEFF', '').trimEnd().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[0].startsWith('id,at,actorKind,actorName')).toBe(true);
    expect(lines[1]).toBe('1,,,张三,,create,event,7,,,,,');
  });
});
