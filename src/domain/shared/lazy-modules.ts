/**
 * Heavy libraries loaded on first use, not at start-up: `closeloop start` must serve its first
 * page quickly, and most processes never render a PDF or parse a workbook.
 */
export const loadExcel = async () => (await import('exceljs')).default;
export const loadPdfKit = async () => (await import('pdfkit')).default;
/**
 * sharp, with libvips' operation cache off: closeloop never processes the same image twice, and the
 * cache (50 MB by default) only held memory.
 */
export const loadSharp = async () => {
  const sharp = (await import('sharp')).default;
  sharp.cache(false);
  return sharp;
};
export const loadExifr = async () => (await import('exifr')).default;
export const loadFileType = async () => await import('file-type');
