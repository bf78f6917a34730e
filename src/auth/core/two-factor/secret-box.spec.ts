import { SecretBox } from './secret-box';

const OLD = 'an-old-session-secret-that-is-long-enough-0123';
const NEW = 'a-new-session-secret-that-is-long-enough-456789';

describe(SecretBox.name, () => {
  it('opens what it sealed; the sealed text shows nothing of it and differs each time', () => {
    const box = new SecretBox([NEW]);
    const sealed = box.seal('JBSWY3DPEHPK3PXP');

    expect(box.open(sealed)).toBe('JBSWY3DPEHPK3PXP');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(box.seal('JBSWY3DPEHPK3PXP')).not.toBe(sealed);
  });

  it('opens what an older secret of the list sealed, after a rotation', () => {
    const sealed = new SecretBox([OLD]).seal('JBSWY3DPEHPK3PXP');

    expect(new SecretBox([NEW, OLD]).open(sealed)).toBe('JBSWY3DPEHPK3PXP');
    expect(new SecretBox([NEW]).open(sealed)).toBeNull();
  });

  it('opens nothing that was tampered with or is no sealed text', () => {
    const box = new SecretBox([NEW]);
    const [version, iv, tag, text] = box.seal('JBSWY3DPEHPK3PXP').split('.');
    const flipped = `${text[0] === 'A' ? 'B' : 'A'}${text.slice(1)}`;

    expect(box.open([version, iv, tag, flipped].join('.'))).toBeNull();
    expect(box.open('JBSWY3DPEHPK3PXP')).toBeNull();
    expect(box.open('v2.a.b.c')).toBeNull();
    expect(box.open('')).toBeNull();
  });
});
