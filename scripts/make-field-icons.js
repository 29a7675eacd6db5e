// Draws the field app's icons (闭环 ring on green) as PNGs into web/public/icons with sharp.
// Run once: node scripts/make-field-icons.js — the PNGs are committed.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

const out = path.resolve('web/public/icons');
fs.mkdirSync(out, { recursive: true });

function svg(size, pad) {
  const c = size / 2;
  const r = (size / 2 - pad) * 0.62;
  const w = Math.max(4, size * 0.09);
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">
  <rect width="${size}" height="${size}" rx="${pad ? 0 : size * 0.18}" fill="#0b5d3b"/>
  <circle cx="${c}" cy="${c}" r="${r}" fill="none" stroke="#fff" stroke-width="${w}" stroke-dasharray="${r * 5.2} ${r * 1.1}" transform="rotate(-60 ${c} ${c})"/>
  <path d="M ${c + r * 0.55} ${c - r * 0.95} l ${w * 1.6} ${w * 0.2} l ${-w * 0.9} ${w * 1.4} z" fill="#fff"/>
  <circle cx="${c}" cy="${c}" r="${r * 0.28}" fill="#fde047"/>
</svg>`);
}

for (const [name, size, pad] of [['icon-192.png', 192, 0], ['icon-512.png', 512, 0], ['icon-maskable-512.png', 512, 80], ['apple-touch-icon.png', 180, 0]]) {
  await sharp(svg(size, pad)).png().toFile(path.join(out, name));
  console.log(name, fs.statSync(path.join(out, name)).size, 'bytes');
}
