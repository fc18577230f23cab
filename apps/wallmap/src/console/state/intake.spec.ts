import { EMPTY_DRAFT, intakeBody, maskName, maskPhone, missing } from './intake';

describe('intake', () => {
  it('masks the caller as the registries do', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('025-8888 1234')).toBe('025****1234');
    expect(maskPhone('12345')).toBe('*****');
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('李')).toBe('*');
  });

  it('names what is missing before saving', () => {
    expect(missing(EMPTY_DRAFT)).toEqual(['intake.missing.place', 'intake.missing.category', 'intake.missing.what']);
    expect(missing({ ...EMPTY_DRAFT, lon: 118.7, lat: 32, category: 'x', description: '垃圾', callerPhone: 'abc' })).toEqual(['intake.missing.phone']);
  });

  it('builds the report: a title from the category and address when none is typed, the caller only when given', () => {
    const body = intakeBody({ ...EMPTY_DRAFT, lon: 118.7, lat: 32, category: 'exposed_rubbish', address: '夫子庙东市', description: '有垃圾', callerName: '张三', callerPhone: '13812345678' }, '暴露垃圾');
    expect(body).toEqual({
      title: '暴露垃圾 · 夫子庙东市',
      category: 'exposed_rubbish',
      urgency: 'normal',
      source: 'hotline',
      lon: 118.7,
      lat: 32,
      address: '夫子庙东市',
      description: '有垃圾',
      reporter: { name: '张三', phone: '13812345678' },
    });
    expect(intakeBody({ ...EMPTY_DRAFT, lon: 1, lat: 2, category: 'c', title: 'x' }, 'C')).not.toHaveProperty('reporter');
  });
});
