import { useEffect, useState } from 'react';

/**
 * A QR code drawn as one SVG path. The encoder (qrcode) is loaded on first use, so pages that
 * show a code only on demand do not carry it in their initial JS.
 */
export function QrCode({ text, size = 220, label, testId }: { text: string; size?: number; label: string; testId?: string }) {
  const [matrix, setMatrix] = useState<{ size: number; d: string } | null>(null);
  useEffect(() => {
    let live = true;
    void import('qrcode').then(({ create }) => {
      if (!live) return;
      const { modules } = create(text, { errorCorrectionLevel: 'M' });
      let d = '';
      for (let r = 0; r < modules.size; r++) {
        for (let c = 0; c < modules.size; c++) if (modules.get(r, c)) d += `M${c + 4} ${r + 4}h1v1h-1z`;
      }
      setMatrix({ size: modules.size + 8, d });
    });
    return () => {
      live = false;
    };
  }, [text]);
  if (!matrix) return <div className="qr qr-loading" style={{ width: size, height: size }} aria-busy="true" />;
  return (
    <svg className="qr" role="img" aria-label={label} width={size} height={size} viewBox={`0 0 ${matrix.size} ${matrix.size}`} shapeRendering="crispEdges"
      data-testid={testId} data-text={text}>
      <rect width={matrix.size} height={matrix.size} fill="#fff" />
      <path d={matrix.d} fill="#000" />
    </svg>
  );
}
