/**
 * Heavy libraries loaded on first use, not at start-up: `closeloop start` must serve its first
 * page quickly, and most processes never render a PDF or parse a workbook.
 */
export const loadExcel = async () => (await import('exceljs')).default;
export const loadPdfKit = async () => (await import('pdfkit')).default;
export const loadSharp = async () => (await import('sharp')).default;
export const loadExifr = async () => (await import('exifr')).default;
export const loadFileType = async () => await import('file-type');
