import { csvCell, csvTable } from './csv';

describe('csv', () => {
  it('quotes a field only when it holds a comma, a quote or a line break, doubling its quotes', () => {
    expect(['plain', 'a,b', 'say "hi"', 'two\nlines', 12.5, null, undefined].map(csvCell)).toEqual(['plain', '"a,b"', '"say ""hi"""', '"two\nlines"', '12.5', '', '']);
  });

  it('writes a header of the first row\'s keys and one line per row', () => {
    expect(csvTable([{ id: 'c,1', n: 1 }, { id: 'c2', n: null }])).toBe('id,n\n"c,1",1\nc2,\n');
  });
});
