import { printRows } from './output-format';

describe('printRows', () => {
  const printed = (isTTY: boolean): string => {
    const chunks: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => chunks.push(String(chunk)) > 0);
    const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    Object.defineProperty(process.stdout, 'isTTY', { value: isTTY, configurable: true });
    try {
      printRows([{ segment: 'Champions', customers: 3 }], 'table');
    } finally {
      write.mockRestore();
      if (tty) Object.defineProperty(process.stdout, 'isTTY', tty);
      else delete (process.stdout as { isTTY?: boolean }).isTTY;
    }
    return chunks.join('');
  };

  it('writes no ANSI colour codes into a pipe or a file', () => {
    const text = printed(false);
    expect(text).toContain('Champions');
    expect(text).not.toMatch(/\u001b\[/);
  });
});
