import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** Text of every page of a PDF, extracted with pdf.js (an npm package: runs on a fresh machine). */
export async function pdfText(bytes: Uint8Array | Buffer): Promise<string> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), disableFontFace: true, useSystemFonts: false }).promise;
  let out = '';
  for (let p = 1; p <= pdf.numPages; p++) {
    const page = await pdf.getPage(p);
    const tc = await page.getTextContent();
    out += tc.items.map((i) => ('str' in i ? i.str : '')).join('');
  }
  await pdf.destroy();
  return out;
}
